// The main-process services a benchmark drives, built as the app builds them, over
// the profiles the benchmark wrote (AWS_CONFIG_FILE points at its sandbox).
import { EventHub } from '../../src/main/rpc/event-hub';
import { AccountsService } from '../../src/main/accounts/service';
import { ArtifactsService } from '../../src/main/artifacts/service';
import { PipelinesService } from '../../src/main/explorer/service';
import { SandboxService } from '../../src/main/app/sandbox-service';
import { Settings } from '../../src/shared/api/settings';

export async function benchServices(home: string, workspace: { profiles: string[]; regions: string[] }) {
  const settings = Settings.parse({ workspace });
  const accounts = new AccountsService(new EventHub(), () => settings, new SandboxService());
  await accounts.reload();
  const pipelines = new PipelinesService(accounts);
  const artifacts = new ArtifactsService(accounts, pipelines, home, { blocklists: async () => settings.artifacts });
  return { settings, accounts, pipelines, artifacts };
}
