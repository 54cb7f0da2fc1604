// The explorer feature: every pipeline of the workspace, streamed in batches.
export { explorerFeature } from './handlers';
export { PipelinesService } from './service';
