// IAM as a sandbox service (query protocol): ListAccountAliases.
import type { Principals } from '../../principals';
import type { ServiceSpec } from '../../service-spec';
import { queryService } from '../query-service';
import { handleIam } from './api';

export const iamService = (principals: Principals): ServiceSpec => queryService('iam', (req) => handleIam(req, principals));
