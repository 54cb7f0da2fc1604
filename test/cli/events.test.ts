// `pipewright events …` against the sandbox, as a user runs it: setup prints the plan
// then creates on --yes (or stops on a "no"), --template-out writes templates and
// creates nothing, test passes end to end, status says the mode, remove deletes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { cliWithSandbox, runCli, runCliWithInput } from '../helpers/cli';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
beforeAll(async () => {
  h = await cliWithSandbox('events', { seed: 'demo' });
}, 60_000);
afterAll(() => h?.stop());

const ruleNames = async () => ((await h.env.events('dev').send(new ListRulesCommand({}))).Rules ?? []).map((r) => r.Name);

describe('pipewright events', () => {
  it('setup --template-out writes templates that parse and name the same resources, and creates nothing', { timeout: 60_000 }, async () => {
    const file = join(h.dir, 'live-updates.yaml');
    const r = await runCli(['events', 'setup', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--template-out', file], h.cliEnv);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('+ rule pipewright-events-forward on the default bus');
    expect(r.out).toContain('Nothing was created.');
    const member = YAML.parse(readFileSync(file, 'utf8'));
    const hub = YAML.parse(readFileSync(join(h.dir, 'live-updates-hub.yaml'), 'utf8'));
    expect(member.Resources.ForwardRule.Properties.Name).toBe('pipewright-events-forward');
    expect(hub.Resources.Queue.Properties.QueueName).toBe('pipewright-events');
    expect(hub.Resources.HubRule.Properties.Name).toBe('pipewright-events-to-queue');
    expect(await ruleNames()).not.toContain('pipewright-events-forward');
  });

  it('setup without --yes asks, and a "no" creates nothing (exit 3)', { timeout: 60_000 }, async () => {
    const r = await runCliWithInput(['events', 'setup', '--profile', 'sandbox-dev', '--region', 'us-east-1'], h.cliEnv, 'no\n');
    expect(r.code).toBe(3);
    expect(r.out).toContain('Create these 7 resources?');
    expect(await ruleNames()).not.toContain('pipewright-events-forward');
  });

  it('setup --yes creates, test passes, status says event-driven, remove deletes', { timeout: 90_000 }, async () => {
    const s = await runCli(['events', 'setup', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--yes'], h.cliEnv);
    expect(s.code, s.out + s.err).toBe(0);
    expect(s.out).toMatch(/created\s+member-rule:111111111111:us-east-1→111111111111:us-east-1/);
    const t = await runCli(['events', 'test', '--profile', 'sandbox-dev', '--region', 'us-east-1'], h.cliEnv);
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/^ok: The test event reached/);
    const st = await runCli(['events', 'status', '--json'], h.cliEnv);
    expect(st.code, st.err).toBe(0);
    const rows = JSON.parse(st.out).targets as Array<{ profile: string; region: string; mode: string; reason: string | null }>;
    expect(rows.find((x) => x.profile === 'sandbox-dev' && x.region === 'us-east-1')).toMatchObject({ mode: 'event-driven' });
    expect(rows.find((x) => x.profile === 'sandbox-staging' && x.region === 'us-east-1')).toMatchObject({ mode: 'polled', reason: 'not set up' });
    const rm = await runCli(['events', 'remove', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--yes'], h.cliEnv);
    expect(rm.code, rm.out + rm.err).toBe(0);
    expect(rm.out).toMatch(/deleted\s+hub-bus:111111111111:us-east-1 \(pipewright-events, 111111111111 us-east-1\)/);
    expect(await ruleNames()).not.toContain('pipewright-events-forward');
  });

  it('in a production account, setup and remove need its word: --yes alone exits 2 naming the flag, a typed word does it', { timeout: 90_000 }, async () => {
    const prodRules = async () => ((await h.env.events('prod').send(new ListRulesCommand({}))).Rules ?? []).map((r) => r.Name);
    const where = ['--profile', 'sandbox-prod', '--region', 'us-east-1'];
    const bare = await runCli(['events', 'setup', ...where, '--yes'], h.cliEnv);
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('add --confirm-prod sandbox-prod');
    expect(await prodRules()).not.toContain('pipewright-events-forward');
    // Asked at the terminal: yes, then the word.
    const typed = await runCliWithInput(['events', 'setup', ...where], h.cliEnv, 'yes\nsandbox-prod\n');
    expect(typed.code, typed.out + typed.err).toBe(0);
    expect(typed.out).toContain('Type "sandbox-prod" to confirm');
    expect(await prodRules()).toContain('pipewright-events-forward');

    const rmBare = await runCli(['events', 'remove', ...where, '--yes'], h.cliEnv);
    expect(rmBare.code).toBe(2);
    expect(rmBare.err).toContain('add --confirm-prod sandbox-prod');
    const rmWrong = await runCliWithInput(['events', 'remove', ...where], h.cliEnv, 'yes\nsandbox-pro\n');
    expect(rmWrong.code).toBe(2);
    expect(rmWrong.out + rmWrong.err).toContain('Nothing was deleted.');
    expect(await prodRules()).toContain('pipewright-events-forward');
    const rm = await runCli(['events', 'remove', ...where, '--yes', '--confirm-prod', 'sandbox-prod'], h.cliEnv);
    expect(rm.code, rm.out + rm.err).toBe(0);
    expect(await prodRules()).not.toContain('pipewright-events-forward');
  });

  it('bad input exits 2', async () => {
    const r = await runCli(['events', 'setup', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--hub-region', 'moon'], h.cliEnv);
    expect(r.code).toBe(2);
  });
});
