// Builds the main-process core shared by the Electron entry and browser mode:
// settings, jobs, the event hub, the embedded sandbox and the one dispatcher.
// Nothing here imports 'electron'.
import { AppError } from '../shared/api/errors';
import { createDispatcher, type Dispatch, type Handlers } from './rpc/dispatcher';
import { EventHub } from './rpc/event-hub';
import { JobManager } from './jobs/job-manager';
import { SettingsService } from './services/settings-service';
import { SandboxService } from './services/sandbox-service';
import { listProfileNames } from './aws/shared-config';

export interface CoreOptions {
  home: string;
  mode: 'electron' | 'browser';
  version: string;
  /** 'on': always start the sandbox; 'auto': when no AWS profile exists and settings allow. */
  sandbox: 'on' | 'auto' | 'off';
  sandboxTimeScale?: number;
  log?: (line: string) => void;
}

export interface Core {
  dispatch: Dispatch;
  hub: EventHub;
  jobs: JobManager;
  settings: SettingsService;
  sandbox: SandboxService;
  close(): Promise<void>;
}

export async function createCore(opts: CoreOptions): Promise<Core> {
  const log = opts.log ?? (() => {});
  const hub = new EventHub();
  const jobs = new JobManager(hub);
  const settings = new SettingsService(opts.home);
  const initial = await settings.load();
  if (initial.warning) log(initial.warning);
  const sandbox = new SandboxService({ timeScale: opts.sandboxTimeScale, log });

  const wantSandbox =
    opts.sandbox === 'on' || (opts.sandbox === 'auto' && initial.settings.sandbox.enabled && (await listProfileNames()).length === 0);
  if (wantSandbox) await sandbox.start('demo');

  settings.onChange((view) => hub.emit('settings.changed', view));
  sandbox.onChange((status) => hub.emit('sandbox.changed', status));

  const handlers: Handlers = {
    'app.info': () => ({ name: 'Pipewright', version: opts.version, mode: opts.mode, platform: process.platform }),
    'app.ready': (_input, ctx) => {
      const flushed = hub.markReady(ctx.clientId);
      // A corrupt settings file is worth a toast, not just a log line.
      const w = settings.view().warning;
      if (w) hub.emit('app.notice', { level: 'warning', message: w });
      return { flushed };
    },
    'settings.get': () => settings.view(),
    'settings.update': async (patch) => {
      const before = settings.settings.sandbox.enabled;
      const view = await settings.update(patch);
      if (opts.sandbox !== 'off' && before !== view.settings.sandbox.enabled) {
        if (view.settings.sandbox.enabled) await sandbox.start('demo');
        else await sandbox.stop();
      }
      return view;
    },
    'jobs.list': () => ({ jobs: jobs.list() }),
    'jobs.cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    'sandbox.status': () => sandbox.status(),
    'sandbox.reseed': ({ seed }, ctx) => {
      if (opts.sandbox === 'off') throw new AppError('UNAVAILABLE', 'The sandbox is turned off for this session.');
      const jobId = jobs.start('sandbox.reseed', ctx.clientId, (job) =>
        sandbox.reseed(seed, job.signal, (done, total, message) => job.progress(done, total, message)),
      );
      return { jobId };
    },
  };

  return {
    dispatch: createDispatcher(handlers, log),
    hub,
    jobs,
    settings,
    sandbox,
    async close() {
      await jobs.shutdown();
      await sandbox.stop();
    },
  };
}
