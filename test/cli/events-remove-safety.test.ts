// Red team, issue 24 (from their test/redteam/cli-remove.test.ts): `pipewright events remove` as a user runs it. With the hub
// account's profile failing its identity check (an expired session), remove prints
// that it deletes the hub resources "in 333333333333" and deletes them in the member
// account instead, where they are another account's hub. Also checked: the end of input
// at the first prompt stops with nothing done (exit 3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeEventBusCommand, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { cliWithSandbox, runCli, runCliWithInput } from '../helpers/cli';
import { FaultRule } from '../../src/sandbox/faults';

const PROD = '333333333333';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
beforeAll(async () => {
  h = await cliWithSandbox('redteam-remove', { seed: 'demo' });
}, 60_000);
afterAll(() => h?.stop());

describe('pipewright events remove', () => {
  it('the end of input at the first prompt: nothing is created, exit 3', { timeout: 60_000 }, async () => {
    const r = await runCliWithInput(['events', 'setup', '--profile', 'sandbox-dev', '--region', 'us-east-1'], h.cliEnv, '');
    expect(r.code).toBe(3);
    expect(((await h.env.events('dev').send(new ListRulesCommand({}))).Rules ?? []).map((x) => x.Name)).not.toContain('pipewright-events-forward');
  });

  it(
    "the hub's profile failing its identity check: remove says it deletes in the hub account and deletes in the member account",
    { timeout: 120_000 },
    async () => {
      // dev → hub staging; staging → hub prod.
      const a = await runCli(['events', 'setup', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--hub-profile', 'sandbox-staging', '--yes'], h.cliEnv);
      expect(a.code, a.out + a.err).toBe(0);
      const b = await runCli(
        [
          'events',
          'setup',
          '--profile',
          'sandbox-staging',
          '--region',
          'us-east-1',
          '--hub-profile',
          'sandbox-prod',
          '--yes',
          '--confirm-prod',
          'sandbox-prod',
        ],
        h.cliEnv,
      );
      expect(b.code, b.out + b.err).toBe(0);

      h.env.sb.faults.set([FaultRule.parse({ service: 'sts', operation: '*', account: PROD, denyRate: 1 })]);
      let rm: Awaited<ReturnType<typeof runCli>>;
      try {
        rm = await runCli(['events', 'remove', '--profile', 'sandbox-staging', '--region', 'us-east-1', '--yes', '--confirm-prod', PROD], h.cliEnv);
      } finally {
        h.env.sb.faults.set([]);
      }
      console.log(`events remove (exit ${rm.code}):\n${rm.out}${rm.err}`);
      const stagingBus = await h.env
        .events('staging')
        .send(new DescribeEventBusCommand({ Name: 'pipewright-events' }))
        .then(
          () => 'exists',
          (e: Error) => e.name,
        );
      expect(stagingBus, "staging's hub bus (dev's events' hub) was deleted by a remove that named prod's").toBe('exists');
      // Nothing is said deleted in prod; prod's hub is said unreadable (exit 4: the evidence is incomplete).
      expect(rm.out).not.toMatch(/^deleted\s+\S+ \([^,]+, 333333333333 /m);
      expect(rm.out).toMatch(/deleted\s+member-rule:222222222222:us-east-1→333333333333:us-east-1 \(pipewright-events-forward, 222222222222 us-east-1\)/);
      expect(rm.err).toMatch(
        /failed\s+hub-bus:333333333333:us-east-1 .*no profile is known to sign in to the hub account 333333333333: the identity check failed for/,
      );
      expect(rm.code).toBe(4);
    },
  );
});
