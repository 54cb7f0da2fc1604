// The main-process core shared by the Electron entry and browser mode: the
// services, built once, and the feature modules (src/main/<feature>/handlers.ts) composed
// into the one dispatcher. Wiring only: rules and state live in the features
// and services. Nothing here imports 'electron'.
import { createDispatcher, type Dispatch, type Handlers } from './rpc/dispatcher';
import { EventHub } from './rpc/event-hub';
import { JobManager } from './jobs/job-manager';
import { appFeature, SandboxService, SettingsService } from './app';
import { accountsFeature, type AccountsService } from './accounts';
import { explorerFeature, type PipelinesService } from './explorer';
import { composeServices } from './compose';
import { awsAppError } from './aws/errors';
import { designerFeature, type FileDialogs } from './designer';
import { artifactsFeature } from './artifacts';
import { executionsFeature } from './executions';
import { releasesFeature } from './releases';
import { eventsFeature } from './events';

export type { FileDialogs };

export interface CoreOptions {
  home: string;
  mode: 'electron' | 'browser';
  version: string;
  /** 'on': always start the sandbox; 'auto': when no AWS profile exists and settings allow. */
  sandbox: 'on' | 'auto' | 'off';
  sandboxTimeScale?: number;
  sandboxPort?: number;
  sandboxAdminToken?: string;
  log?: (line: string) => void;
  /** Opens an allowlisted https URL in the OS browser (SSO device login). */
  openExternal?: (url: string) => void;
  /** How often promotions look at their executions (tests shorten it). */
  releasePollMs?: number;
  /** The OS file dialogs (desktop only; browser mode uploads and downloads instead). */
  fileDialogs?: FileDialogs;
}

export interface Core {
  dispatch: Dispatch;
  /** Whether the local sandbox was asked for (it may still be starting: see `ready`). */
  sandboxWanted: boolean;
  /** Resolves once start-up work running in the background (the sandbox) is over. */
  ready: Promise<void>;
  hub: EventHub;
  jobs: JobManager;
  settings: SettingsService;
  sandbox: SandboxService;
  accounts: AccountsService;
  pipelines: PipelinesService;
  close(): Promise<void>;
}

export async function createCore(opts: CoreOptions): Promise<Core> {
  const log = opts.log ?? (() => {});
  const hub = new EventHub();
  const jobs = new JobManager(hub);
  const settings = new SettingsService(opts.home);
  const initial = await settings.load();
  if (initial.warning) log(initial.warning);
  const sandbox = new SandboxService({ timeScale: opts.sandboxTimeScale, port: opts.sandboxPort, adminToken: opts.sandboxAdminToken, log });
  // Re-checks read the blocklists from the settings as they are at the moment of deletion.
  const services = composeServices({
    home: opts.home,
    settings: () => settings.settings,
    sandbox,
    hub,
    releases: { pollMs: opts.releasePollMs || undefined, holder: 'the Pipewright app' },
  });
  const { accounts, pipelines, designs, artifacts, executions, releases, liveUpdates } = services;
  await accounts.reload();

  const wantSandbox = opts.sandbox === 'on' || (opts.sandbox === 'auto' && initial.settings.sandbox.enabled && accounts.profiles().length === 0);
  // The sandbox starts (and seeds) beside the rest of start-up: the server can listen and
  // the browser load the page meanwhile. Every call waits for it (below), so none sees
  // a workspace without its profiles. A sandbox that fails to start is said, and the
  // app goes on without it.
  const sandboxReady: Promise<void> = wantSandbox
    ? sandbox.start('demo').then(
        () => undefined,
        (err: unknown) => log(`The local sandbox did not start: ${err instanceof Error ? err.message : String(err)}`),
      )
    : Promise.resolve();

  settings.onChange((view) => hub.emit('settings.changed', view));
  // Subscribed once the first start is over: that start is the app's initial state, not a change.
  void sandboxReady.then(() =>
    sandbox.onChange((status) => {
      // A restarted sandbox has a new port: drop clients and credentials made for the old one.
      accounts.clients.clear();
      accounts.broker.invalidate();
      hub.emit('sandbox.changed', status);
    }),
  );

  const releasesSlice = releasesFeature({ releases, events: hub, log, ready: sandboxReady });
  const handlers: Handlers = {
    ...appFeature({ info: { version: opts.version, mode: opts.mode }, sandboxMode: opts.sandbox, hub, jobs, settings, sandbox }).handlers,
    ...accountsFeature({ accounts, jobs, events: hub, openExternal: opts.openExternal }).handlers,
    ...explorerFeature({ pipelines, jobs, events: hub }).handlers,
    ...designerFeature({ designs, clients: hub, fileDialogs: opts.fileDialogs }).handlers,
    ...artifactsFeature({ artifacts, targets: () => pipelines.targets(), settings: () => settings.settings.artifacts, jobs, events: hub }).handlers,
    ...executionsFeature({
      executions,
      targets: () => pipelines.targets(),
      jobs,
      events: hub,
      onDeparture: (l) => hub.onDeparture(l),
    }).handlers,
    ...releasesSlice.handlers,
    ...eventsFeature({
      service: liveUpdates,
      events: hub,
      onSetupChanged: () => void services.coverage.refresh(),
      lastEvent: (t) => services.coverage.lastEvent(t),
    }).handlers,
  };

  const dispatchNow = createDispatcher(handlers, log, awsAppError);
  return {
    dispatch: async (method, input, ctx) => {
      await sandboxReady;
      return dispatchNow(method, input, ctx);
    },
    sandboxWanted: wantSandbox,
    ready: sandboxReady,
    hub,
    jobs,
    settings,
    sandbox,
    accounts,
    pipelines,
    async close() {
      await sandboxReady;
      await jobs.shutdown();
      releasesSlice.stop();
      await services.dispose();
      await sandbox.stop();
    },
  };
}
