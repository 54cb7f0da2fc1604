// The contract's method and event names, as plain strings: what the preload
// needs to check a name, without zod or a single schema in its bundle.
// contract.ts checks at compile time that these lists are exactly its keys.
import type { Envelope } from './envelope';

export const METHOD_NAMES = [
  'app.info',
  'app.ready',
  'settings.get',
  'settings.update',
  'jobs.list',
  'jobs.cancel',
  'sandbox.status',
  'sandbox.start',
  'sandbox.stop',
  'sandbox.reseed',
  'accounts.list',
  'accounts.check',
  'accounts.answerMfa',
  'accounts.cancelMfa',
  'accounts.ssoLogin',
  'pipelines.list',
  'pipelines.get',
  'pipelines.exportDesign',
  'designs.diff',
  'designs.openFile',
  'designs.saveFile',
  'designs.deploy',
  'artifacts.audit',
  'artifacts.lastReport',
  'artifacts.preview',
  'artifacts.planFile',
  'artifacts.clean',
  'artifacts.accounts',
  'artifacts.deleteBucket',
  'artifacts.lifecycle',
  'executions.state',
  'executions.watch',
  'executions.unwatch',
  'executions.watchWorkspace',
  'executions.list',
  'executions.get',
  'executions.start',
  'executions.stop',
  'executions.retry',
  'executions.rollback',
  'executions.overrideCondition',
  'transitions.set',
  'approvals.list',
  'approvals.answer',
  'releases.list',
  'releases.parse',
  'releases.save',
  'releases.get',
  'releases.open',
  'releases.share',
  'releases.lease',
  'releases.init',
  'releases.board',
  'releases.promote',
  'releases.approve',
  'releases.stop',
  'releases.history',
  'releases.diff',
  'artifacts.auditLog',
  'events.plan',
  'events.apply',
  'events.template',
  'events.test',
  'events.status',
  'events.removePlan',
  'events.remove',
] as const;

export const EVENT_NAMES = [
  'job.progress',
  'job.finished',
  'settings.changed',
  'sandbox.changed',
  'accounts.changed',
  'accounts.mfaPrompt',
  'accounts.ssoPrompt',
  'pipelines.batch',
  'pipelines.targetError',
  'artifacts.report',
  'artifacts.cleanResult',
  'execution.updated',
  'approval.waiting',
  'execution.finished',
  'release.updated',
  'events.resource',
  'app.notice',
] as const;

const methodSet: ReadonlySet<string> = new Set(METHOD_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isMethodName(name: unknown): name is (typeof METHOD_NAMES)[number] {
  return typeof name === 'string' && methodSet.has(name);
}
export function isEventName(name: unknown): name is (typeof EVENT_NAMES)[number] {
  return typeof name === 'string' && eventSet.has(name);
}

/** What the preload exposes to the page as `window.pipewright`: the contract's names only. */
export interface PreloadBridge {
  invoke(method: string, input: unknown): Promise<Envelope>;
  on(event: string, cb: (payload: unknown) => void): () => void;
}
