// The main-process services over an embedded sandbox, as the app builds them,
// with no AWS files of the user read. For tests that drive services directly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventHub } from '../../src/main/rpc/event-hub';
import { composeServices } from '../../src/main/compose';
import { SandboxService } from '../../src/main/app/sandbox-service';
import { Settings } from '../../src/shared/api/settings';
import type { SeedName } from '../../src/sandbox/seed';
import type { ExecutionsOptions } from '../../src/main/executions/service';

export async function startServices(opts: {
  seed: SeedName;
  settings?: Settings;
  timeScale?: number;
  hub?: EventHub;
  executions?: ExecutionsOptions;
  releases?: { pollMs?: number; holder?: string };
}) {
  const home = mkdtempSync(join(tmpdir(), 'pw-services-'));
  const restoreAwsEnv = saveAwsEnv();
  Object.assign(process.env, { AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') });
  const sandbox = new SandboxService({ timeScale: opts.timeScale ?? 0.001 });
  await sandbox.start(opts.seed);
  const settings = opts.settings ?? Settings.parse({});
  // Composed as the app and the CLI compose them; re-checks read `settings.artifacts` at that moment.
  const services = composeServices({
    home,
    settings: () => settings,
    sandbox,
    hub: opts.hub,
    executions: opts.executions,
    releases: opts.releases,
  });
  const { accounts, pipelines, artifacts, executions, releases, liveUpdates, coverage } = services;
  await accounts.reload();
  return {
    home,
    sandbox,
    sb: sandbox.instance!,
    accounts,
    pipelines,
    /** The settings the services read: mutate them to change blocklists mid-test. */
    settings,
    /** The artifacts service as the app builds it: re-checks read `settings.artifacts` at that moment. */
    artifacts: () => artifacts,
    executions,
    releases,
    /** Live updates: the setup service, and the watchers' reader of the hub queues. */
    liveUpdates,
    coverage,
    async stop() {
      await services.dispose();
      await sandbox.stop();
      restoreAwsEnv();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * The same services composed again on the same home and sandbox: a second process on
 * this machine (the CLI's `executions watch` beside the app). Its dispose() ends it.
 */
export async function composeBeside(env: { home: string; sandbox: SandboxService; settings: Settings }, opts: { executions?: ExecutionsOptions } = {}) {
  const services = composeServices({ home: env.home, settings: () => env.settings, sandbox: env.sandbox, executions: opts.executions });
  await services.accounts.reload();
  return services;
}

const AWS_FILES = ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'] as const;
/** Saves the AWS files env; the function it gives puts it back. */
export function saveAwsEnv(): () => void {
  const saved = Object.fromEntries(AWS_FILES.map((k) => [k, process.env[k]]));
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
