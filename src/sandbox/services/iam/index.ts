// IAM as a sandbox service (query protocol): ListAccountAliases and inline-policy roles.
import type { Principals } from '../../principals';
import type { ServiceSpec } from '../../service-spec';
import { queryService } from '../query-service';
import { handleIam, IamRoles } from './api';

export const iamService = (principals: Principals, roles = new IamRoles(), changed: () => void = () => {}): ServiceSpec =>
  queryService('iam', (req) => handleIam(req, principals, roles, changed));
