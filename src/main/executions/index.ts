// The executions feature: live state, history, controls, approvals and the
// one watch engine. Other modules reach it only through here.
export { executionsFeature, type ExecutionsDeps } from './handlers';
export { DEFAULT_BUDGET, ExecutionsService, type ExecutionsOptions } from './service';
