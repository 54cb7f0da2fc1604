// Start-up: the local sandbox seeds beside the rest of start-up (the server listens
// and the browser loads the page meanwhile); a call made before it is up waits for it
// and sees its profiles, never an empty workspace.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../src/main/app-core';

let home: string;
const saved = { ...process.env };

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'pw-startup-'));
  Object.assign(process.env, { AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') });
});
afterAll(() => {
  process.env = { ...saved };
  rmSync(home, { recursive: true, force: true });
});

it('a call made while the sandbox is still seeding waits for it, and sees its profiles', async () => {
  const core = await createCore({ home: join(home, 'pw'), mode: 'browser', version: 'test', sandbox: 'on', sandboxTimeScale: 0.01 });
  expect(core.sandboxWanted).toBe(true);
  expect(core.sandbox.status().running).toBe(false); // createCore returned while it seeds
  const [status, profiles] = await Promise.all([core.dispatch('sandbox.status', {}, { clientId: 't' }), core.dispatch('accounts.list', {}, { clientId: 't' })]);
  expect(status).toMatchObject({ ok: true, result: { running: true, seed: 'demo' } });
  expect(JSON.stringify(profiles)).toContain('sandbox-dev');
  await core.close();
});
