// STS as a sandbox service (query protocol).
import type { SandboxConfig } from '../../config';
import type { Principals } from '../../principals';
import type { ServiceSpec } from '../../service-spec';
import { queryService } from '../query-service';
import { handleSts } from './api';

export const stsService = (config: () => SandboxConfig, principals: Principals): ServiceSpec =>
  queryService('sts', (req) => handleSts(req, config(), principals));
