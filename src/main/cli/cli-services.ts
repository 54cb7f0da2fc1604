// The services a CLI command needs, composed as the app composes them
// (composeServices), with settings from the user-data directory and profiles
// from ~/.aws, and closed afterwards. Blocklists are read from the settings file
// again at each re-check, so one saved meanwhile (from the app, say) counts.
import { SandboxService, SettingsService } from '../app';
import { composeServices, type Services } from '../compose';
import { defaultHome } from '../platform/paths';

/** The blocklists (and price) as the settings file holds them now. */
export async function currentBlocklists() {
  const { blockedBuckets, blockedAccounts, pricePerGbMonth } = (await new SettingsService(defaultHome()).load()).settings.artifacts;
  return { blockedBuckets, blockedAccounts, pricePerGbMonth };
}

/**
 * A duration in milliseconds from the environment, for tests that cannot wait for the defaults: a shared release's
 * lease ttl (PIPEWRIGHT_LEASE_TTL_MS, default two minutes: a killed CLI's lease is taken over in seconds instead)
 * and how often a promotion looks at its executions (PIPEWRIGHT_RELEASE_POLL_MS, default 3 s). A value out of
 * range is said and ignored, never a reason to stop.
 */
export function msFromEnv(name: string, min: number, max: number, err: NodeJS.WritableStream = process.stderr): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  err.write(`${name}=${JSON.stringify(text).slice(0, 40)} is not a whole number of milliseconds from ${min} to ${max}: the default is used.\n`);
  return undefined;
}

export async function withServices<T>(run: (services: Services) => Promise<T>, err: NodeJS.WritableStream = process.stderr): Promise<T> {
  const settings = new SettingsService(defaultHome());
  await settings.load();
  const services = composeServices({
    home: defaultHome(),
    settings: () => settings.settings,
    blocklists: currentBlocklists,
    sandbox: new SandboxService(),
    releases: {
      holder: 'pipewright cli',
      pollMs: msFromEnv('PIPEWRIGHT_RELEASE_POLL_MS', 10, 600_000, err),
      leaseTtlMs: msFromEnv('PIPEWRIGHT_LEASE_TTL_MS', 300, 3_600_000, err),
    },
  });
  await services.accounts.reload();
  for (const p of services.accounts.view().configProblems) err.write(`${p.file}:${p.line}: ${p.message}\n`);
  try {
    return await run(services);
  } finally {
    await services.dispose();
  }
}
