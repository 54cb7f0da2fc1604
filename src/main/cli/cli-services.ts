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

export async function withServices<T>(run: (services: Services) => Promise<T>, err: NodeJS.WritableStream = process.stderr): Promise<T> {
  const settings = new SettingsService(defaultHome());
  await settings.load();
  const services = composeServices({
    home: defaultHome(),
    settings: () => settings.settings,
    blocklists: currentBlocklists,
    sandbox: new SandboxService(),
    releases: { holder: 'pipewright cli' },
  });
  await services.accounts.reload();
  for (const p of services.accounts.view().configProblems) err.write(`${p.file}:${p.line}: ${p.message}\n`);
  try {
    return await run(services);
  } finally {
    await services.dispose();
  }
}
