// The application itself, as a feature: what it is, readiness (queued events
// flushed, a settings warning shown), settings, jobs and the embedded sandbox.
import { AppError } from '../../shared/api/errors';
import type { JobManager } from '../jobs/job-manager';
import type { EventHub } from '../rpc/event-hub';
import type { SandboxService } from './sandbox-service';
import type { SettingsService } from './settings-service';
import type { HandlerSlice } from '../rpc/handler-slice';

type AppMethods =
  | 'app.info'
  | 'app.ready'
  | 'settings.get'
  | 'settings.update'
  | 'jobs.list'
  | 'jobs.cancel'
  | 'sandbox.status'
  | 'sandbox.start'
  | 'sandbox.stop'
  | 'sandbox.reseed';

export interface AppDeps {
  info: { version: string; mode: 'electron' | 'browser' };
  /** 'off': the sandbox may not run in this session. */
  sandboxMode: 'on' | 'auto' | 'off';
  hub: Pick<EventHub, 'markReady' | 'emit'>;
  jobs: Pick<JobManager, 'start' | 'list' | 'cancel'>;
  settings: SettingsService;
  sandbox: SandboxService;
}

export function appFeature({ info, sandboxMode, hub, jobs, settings, sandbox }: AppDeps): { handlers: HandlerSlice<AppMethods> } {
  return {
    handlers: {
      'app.info': () => ({ name: 'Pipewright', version: info.version, mode: info.mode, platform: process.platform }),
      'app.ready': (_input, ctx) => {
        const delivered = hub.markReady(ctx.clientId);
        // A corrupt settings file is worth a toast, not just a log line.
        const w = settings.view().warning;
        if (w) hub.emit('app.notice', { level: 'warning', message: w });
        return delivered;
      },
      'settings.get': () => settings.view(),
      'settings.update': async (patch) => {
        const before = settings.settings.sandbox.enabled;
        const view = await settings.update(patch);
        if (sandboxMode !== 'off' && before !== view.settings.sandbox.enabled) {
          if (view.settings.sandbox.enabled) await sandbox.start('demo');
          else await sandbox.stop();
        }
        return view;
      },
      'jobs.list': () => ({ jobs: jobs.list() }),
      'jobs.cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
      'sandbox.status': () => sandbox.status(),
      'sandbox.start': async ({ seed }) => {
        if (sandboxMode === 'off') throw new AppError('UNAVAILABLE', 'The sandbox is turned off for this session.');
        return sandbox.status().running ? sandbox.status() : sandbox.start(seed);
      },
      'sandbox.stop': async () => {
        await sandbox.stop();
        return sandbox.status();
      },
      'sandbox.reseed': ({ seed }, ctx) => {
        if (sandboxMode === 'off') throw new AppError('UNAVAILABLE', 'The sandbox is turned off for this session.');
        const jobId = jobs.start('sandbox.reseed', ctx.clientId, (job) =>
          sandbox.reseed(seed, job.signal, (done, total, message) => job.progress(done, total, message)),
        );
        return { jobId };
      },
    },
  };
}
