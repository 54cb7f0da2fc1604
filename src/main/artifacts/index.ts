// The artifacts feature: audit, plans, cleanups with live re-checks, bucket
// removal and lifecycle rules. Other modules reach it only through here.
export { artifactsFeature, type ArtifactsDeps } from './handlers';
export { ArtifactsService } from './service';
export type { Blocklists } from './deletion-guard';
export { regionsToCover } from './coverage-calls';
export type { WorkspaceTargets } from './ports';
