// The workspace's defaults and choices: AWS_PROFILE and AWS_REGION honoured,
// sandbox profiles cover every sandbox region, saved choices win.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventHub } from '../../src/main/rpc/event-hub';
import { AccountsService } from '../../src/main/accounts/service';
import { SandboxService } from '../../src/main/app/sandbox-service';
import { Settings } from '../../src/shared/api/settings';

let home: string;
let sandbox: SandboxService;
const saved = { ...process.env };
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'pw-ws-'));
  writeFileSync(join(home, 'config'), '[profile a]\nregion = eu-west-1\n[profile b]\n[profile c]\nregion = us-west-2\n');
  writeFileSync(
    join(home, 'credentials'),
    '[a]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = x\n[b]\naws_access_key_id = AKIABBBBBBBBBBBBBBBB\naws_secret_access_key = y\n',
  );
  Object.assign(process.env, { AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials') });
  sandbox = new SandboxService();
  await sandbox.start('empty');
});
afterAll(async () => {
  process.env = { ...saved };
  await sandbox.stop();
  rmSync(home, { recursive: true, force: true });
});

async function service(settings = Settings.parse({})) {
  const s = new AccountsService(new EventHub(), () => settings, sandbox);
  await s.reload();
  return s;
}

describe('workspace', () => {
  it('defaults to every profile in its own region (AWS_REGION where none), sandbox profiles in all sandbox regions', async () => {
    delete process.env.AWS_PROFILE;
    process.env.AWS_REGION = 'ap-northeast-1';
    const ws = (await service()).workspace();
    expect(ws.isDefault).toBe(true);
    expect(ws.profiles.map((p) => p.name)).toEqual(['a', 'b', 'c', 'sandbox-dev', 'sandbox-staging', 'sandbox-prod']);
    expect(ws.regions.sort()).toEqual(['ap-northeast-1', 'ap-southeast-2', 'eu-west-1', 'us-east-1', 'us-west-2']);
  });

  it('honours AWS_PROFILE for the default', async () => {
    process.env.AWS_PROFILE = 'c';
    const ws = (await service()).workspace();
    expect(ws.profiles.map((p) => p.name)).toEqual(['c', 'sandbox-dev', 'sandbox-staging', 'sandbox-prod']);
    delete process.env.AWS_PROFILE;
  });

  it('uses the saved choice', async () => {
    const ws = (await service(Settings.parse({ workspace: { profiles: ['a'], regions: ['us-east-2'] } }))).workspace();
    expect(ws).toMatchObject({ isDefault: false, regions: ['us-east-2'] });
    expect(ws.profiles.map((p) => p.name)).toEqual(['a']);
  });

  it('sandbox profiles carry no secrets in their views', async () => {
    const view = (await service()).view();
    expect(view.profiles.find((p) => p.name === 'sandbox-dev')).toMatchObject({ group: 'sandbox', kind: 'sandbox', endpoint: sandbox.status().endpoint });
    expect(JSON.stringify(view)).not.toMatch(/secret|AKIASANDBOX/i);
  });
});
