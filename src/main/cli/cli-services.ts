// The services a CLI command needs, built as the app builds them (settings from
// the user-data directory, profiles from ~/.aws), and closed afterwards.
import { EventHub } from '../rpc/event-hub';
import { SettingsService } from '../services/settings-service';
import { SandboxService } from '../services/sandbox-service';
import { AccountsService } from '../services/accounts-service';
import { defaultHome } from '../platform/paths';

export async function withAccounts<T>(run: (accounts: AccountsService) => Promise<T>, err: NodeJS.WritableStream = process.stderr): Promise<T> {
  const settings = new SettingsService(defaultHome());
  await settings.load();
  const accounts = new AccountsService(new EventHub(), () => settings.settings, new SandboxService());
  await accounts.reload();
  for (const p of accounts.view().configProblems) err.write(`${p.file}:${p.line}: ${p.message}\n`);
  try {
    return await run(accounts);
  } finally {
    accounts.close();
  }
}
