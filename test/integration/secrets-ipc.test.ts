// The same secrets check over the Electron IPC transport (Electron faked): a
// session with real sandbox credentials from ~/.aws, recording every envelope
// and event that crosses, finds no key, secret or session token.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/free-port';
import { createCore, type Core } from '../../src/main/app-core';
import { serveOverIpc } from '../../src/main/rpc/ipc';
import { IPC_INVOKE_CHANNEL } from '../../src/shared/api/channels';
import type { Envelope } from '../../src/shared/api/envelope';
import { awsConfigForSandbox, SANDBOX_SECRETS } from '../../e2e/support/aws-fixture-config';

let core: Core;
let home: string;
const recorded: string[] = [];
let invoke: (method: string, input: unknown) => Promise<Envelope>;
const saved = { ...process.env };

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'pw-ipc-sniff-'));
  const port = await freePort();
  writeFileSync(join(home, 'config'), awsConfigForSandbox(`http://127.0.0.1:${port}`));
  Object.assign(process.env, { AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') });
  core = await createCore({ home: join(home, 'pw'), mode: 'electron', version: 'test', sandbox: 'on', sandboxPort: port, sandboxTimeScale: 0.01 });
  const handlers = new Map<string, (e: unknown, a: unknown) => Promise<Envelope>>();
  const mainFrame = { url: 'file:///app/index.html', parent: null };
  serveOverIpc({
    ipcMain: { handle: (ch: string, fn: (e: unknown, a: unknown) => Promise<Envelope>) => void handlers.set(ch, fn), removeHandler: () => {} } as never,
    webContents: {
      id: 1,
      mainFrame,
      isDestroyed: () => false,
      on: () => undefined,
      send: (_ch: string, msg: unknown) => void recorded.push(JSON.stringify(msg)),
    },
    dispatch: core.dispatch,
    hub: core.hub,
    isOurUrl: (u) => u === mainFrame.url,
  });
  invoke = async (method, input) => {
    recorded.push(JSON.stringify({ method, input }));
    const r = await handlers.get(IPC_INVOKE_CHANNEL)!({ senderFrame: mainFrame }, { method, input });
    recorded.push(JSON.stringify(r));
    return r;
  };
});
afterAll(async () => {
  process.env = { ...saved };
  await core?.close();
  rmSync(home, { recursive: true, force: true });
});

const until = (pred: () => boolean) => vi.waitFor(() => expect(pred()).toBe(true), { timeout: 5_000, interval: 10 });

describe('IPC transport secrets', () => {
  it('carries no credentials in any envelope or event', async () => {
    await invoke('app.ready', {});
    expect((await invoke('accounts.list', {})).ok).toBe(true);
    await invoke('accounts.check', {});
    const checking = invoke('accounts.check', { profiles: ['team-prod-mfa'], interactive: true });
    await until(() => recorded.some((r) => r.includes('accounts.mfaPrompt')));
    const prompt = JSON.parse(recorded.find((r) => r.includes('accounts.mfaPrompt'))!).payload;
    await invoke('accounts.answerMfa', { promptId: prompt.promptId, code: '123456' });
    const checked = (await checking) as { ok: true; result: { profiles: Array<{ state: string }> } };
    expect(checked.result.profiles[0].state).toBe('ok');
    const list = (await invoke('pipelines.list', {})) as { ok: true; result: { jobId: string } };
    await until(() => recorded.some((r) => r.includes('job.finished') && r.includes(list.result.jobId)));
    const batch = recorded.find((r) => r.includes('pipelines.batch'))!;
    const row = JSON.parse(batch).payload.rows[0];
    expect((await invoke('pipelines.get', { profile: row.profile, region: row.region, name: row.name })).ok).toBe(true);

    expect(core.sandbox.instance!.logEntries().filter((e) => e.operation === 'AssumeRole').length).toBeGreaterThanOrEqual(2);
    const all = recorded.join('\n');
    expect(all).toContain('team-prod-mfa');
    for (const s of SANDBOX_SECRETS) expect(all.includes(s), `leaked ${s.slice(0, 8)}…`).toBe(false);
    expect(all).not.toMatch(/SBX[A-Za-z0-9]{100,}/);
    expect(all).not.toMatch(/ASIA[A-Z2-7]{16}/);
  });
});
