// Credentials through the SDK's own providers against the sandbox: static keys,
// a role chain three deep across the sandbox accounts, credential_process, MFA
// prompted through the contract, SSO cache and device login, and clear states.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { startSandbox } from '../helpers/sandbox';
import { startSsoStub, type SsoStub } from '../helpers/sso-stub';
import { EventHub } from '../../src/main/rpc/event-hub';
import { AccountsService } from '../../src/main/accounts/service';
import { SandboxService } from '../../src/main/app/sandbox-service';
import { Settings } from '../../src/shared/api/settings';
import { ssoDeviceLogin } from '../../src/main/accounts/sso-login-calls';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';

let env: Awaited<ReturnType<typeof startSandbox>>;
let home: string;
let stub: SsoStub;
let accounts: AccountsService;
const events: Array<[string, unknown]> = [];
const [DEV] = DEFAULT_ACCOUNTS;
const saved = { ...process.env };

beforeAll(async () => {
  env = await startSandbox();
  stub = await startSsoStub({ accessKeyId: DEV.accessKeyId, secretAccessKey: DEV.secretAccessKey });
  home = mkdtempSync(join(tmpdir(), 'pw-creds-'));
  const ep = env.sb.endpoint;
  const proc = join(home, 'creds.mjs');
  writeFileSync(proc, `console.log(JSON.stringify({ Version: 1, AccessKeyId: '${DEV.accessKeyId}', SecretAccessKey: '${DEV.secretAccessKey}' }))`);
  writeFileSync(
    join(home, 'config'),
    `[profile dev]
region = us-east-1
endpoint_url = ${ep}

[profile staging-admin]
role_arn = arn:aws:iam::222222222222:role/PipewrightAdmin
source_profile = dev
endpoint_url = ${ep}

[profile prod-admin]
role_arn = arn:aws:iam::333333333333:role/PipewrightAdmin
source_profile = staging-admin
endpoint_url = ${ep}
region = eu-west-1

[profile prod-mfa]
role_arn = arn:aws:iam::333333333333:role/PipewrightMfaAdmin
source_profile = dev
mfa_serial = arn:aws:iam::111111111111:mfa/sandbox-user
endpoint_url = ${ep}

[profile by-process]
credential_process = ${process.execPath} ${proc}
endpoint_url = ${ep}

[profile bad-secret]
endpoint_url = ${ep}

[profile dead-endpoint]
endpoint_url = http://127.0.0.1:9

[profile sso]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin
region = us-east-1
endpoint_url = ${ep}
services = sso-stub

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[services sso-stub]
sso =
  endpoint_url = ${stub.endpoint}
sso_oidc =
  endpoint_url = ${stub.endpoint}
`,
  );
  writeFileSync(
    join(home, 'credentials'),
    `[dev]
aws_access_key_id = ${DEV.accessKeyId}
aws_secret_access_key = ${DEV.secretAccessKey}

[bad-secret]
aws_access_key_id = ${DEV.accessKeyId}
aws_secret_access_key = this-is-not-the-secret-000000000000

[dead-endpoint]
aws_access_key_id = ${DEV.accessKeyId}
aws_secret_access_key = ${DEV.secretAccessKey}
`,
  );
  Object.assign(process.env, { HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials') });
  const hub = new EventHub();
  hub.attach({ clientId: 'test', send: (e, p) => events.push([e, p]) });
  hub.markReady('test');
  accounts = new AccountsService(hub, () => Settings.parse({}), new SandboxService());
  await accounts.reload();
});
afterAll(async () => {
  process.env = { ...saved };
  accounts?.close();
  await stub?.close();
  await env?.sb.stop();
  rmSync(home, { recursive: true, force: true });
});

const state = async (name: string, interactive = false) => (await accounts.check([name], interactive)).find((p) => p.name === name)!;

describe('credentials against the sandbox', () => {
  it('static keys', async () => {
    expect(await state('dev')).toMatchObject({
      state: 'ok',
      accountId: '111111111111',
      alias: 'sandbox-dev',
      arn: 'arn:aws:iam::111111111111:user/sandbox-user',
    });
  });

  it('a role chain three deep across the three accounts, with STS at the profile endpoint', async () => {
    const v = await state('prod-admin');
    expect(v).toMatchObject({ state: 'ok', accountId: '333333333333', alias: 'sandbox-prod', chain: ['prod-admin', 'staging-admin', 'dev'] });
    expect(v.arn).toMatch(/^arn:aws:sts::333333333333:assumed-role\/PipewrightAdmin\//);
    const assumes = env.sb.logEntries().filter((e) => e.operation === 'AssumeRole');
    expect(assumes.map((e) => e.account)).toEqual(expect.arrayContaining(['111111111111', '222222222222']));
  });

  it('credential_process', async () => {
    expect(await state('by-process')).toMatchObject({ state: 'ok', accountId: '111111111111' });
  });

  it('MFA: a background check says "needs MFA"; an interactive one prompts through the contract', async () => {
    expect((await state('prod-mfa')).state).toBe('needs-mfa');
    events.length = 0;
    const checking = state('prod-mfa', true);
    const prompt = await new Promise<{ promptId: string; profile: string; serial: string }>((resolve) => {
      const t = setInterval(() => {
        const e = events.find(([n]) => n === 'accounts.mfaPrompt');
        if (e) {
          clearInterval(t);
          resolve(e[1] as never);
        }
      }, 5);
    });
    expect(prompt).toMatchObject({ profile: 'prod-mfa', serial: 'arn:aws:iam::111111111111:mfa/sandbox-user' });
    expect(accounts.answerMfa(prompt.promptId, '123456')).toBe(true);
    expect(await checking).toMatchObject({ state: 'ok', accountId: '333333333333' });
    // The code is not kept: the prompt is gone.
    expect(accounts.answerMfa(prompt.promptId, '123456')).toBe(false);
  });

  it('MFA: a wrong code is an error with the AWS message; cancelling leaves "needs MFA"', async () => {
    accounts.broker.invalidate('prod-mfa');
    events.length = 0;
    const wrong = state('prod-mfa', true);
    await waitPrompt().then((id) => accounts.answerMfa(id, '000000'));
    const v = await wrong;
    expect(v.state).toBe('error');
    expect(v.message).toMatch(/MultiFactorAuthentication failed/);
    events.length = 0;
    const cancelled = state('prod-mfa', true);
    await waitPrompt().then((id) => accounts.cancelMfa(id));
    expect((await cancelled).state).toBe('needs-mfa');
  });

  it('wrong secrets and dead endpoints get their own states; other profiles are unaffected', async () => {
    const all = await accounts.check(undefined, false);
    const by = Object.fromEntries(all.map((p) => [p.name, p]));
    expect(by['bad-secret'].state).toBe('error');
    expect(by['bad-secret'].message).toMatch(/signature/i);
    expect(by['dead-endpoint'].state).toBe('unreachable');
    expect(by['dev'].state).toBe('ok');
    const dump = JSON.stringify(all) + JSON.stringify(events);
    for (const secret of [DEV.secretAccessKey, 'this-is-not-the-secret']) expect(dump).not.toContain(secret);
  });

  it('SSO: no cached token means "needs SSO login"; an expired one too', async () => {
    expect((await state('sso')).state).toBe('needs-sso-login');
    const file = join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`);
    mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({ startUrl: 'https://corp.awsapps.com/start', region: 'us-east-1', accessToken: 'old', expiresAt: '2020-01-01T00:00:00Z' }),
    );
    accounts.broker.invalidate('sso');
    const v = await state('sso');
    expect(v.state).toBe('needs-sso-login');
    expect(v.message).toMatch(/expired|refresh/i);
  });

  it('SSO: device login writes the CLI-format cache, and the profile then works', async () => {
    const profile = accounts.profile('sso');
    let prompt: [string, string] | undefined;
    const r = await ssoDeviceLogin(profile, {
      signal: new AbortController().signal,
      onPrompt: (uri, code) => (prompt = [uri, code]),
      minIntervalSeconds: 0.05,
    });
    expect(prompt).toEqual(['https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH', 'ABCD-EFGH']);
    expect(r.cacheFile).toBe(join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`));
    expect(existsSync(r.cacheFile)).toBe(true);
    const cached = JSON.parse(readFileSync(r.cacheFile, 'utf8'));
    expect(Object.keys(cached).sort()).toEqual([
      'accessToken',
      'clientId',
      'clientSecret',
      'expiresAt',
      'refreshToken',
      'region',
      'registrationExpiresAt',
      'startUrl',
    ]);
    expect(cached.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(stub.calls).toEqual(expect.arrayContaining(['POST /client/register', 'POST /device_authorization', 'POST /token']));
    accounts.broker.invalidate('sso');
    expect(await state('sso')).toMatchObject({ state: 'ok', accountId: '111111111111' });
    expect(stub.calls).toContain('GET /federation/credentials');
  });
});

function waitPrompt(): Promise<string> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      const e = events.find(([n]) => n === 'accounts.mfaPrompt');
      if (e) {
        clearInterval(t);
        resolve((e[1] as { promptId: string }).promptId);
      }
    }, 5);
  });
}
