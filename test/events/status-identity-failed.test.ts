// `pipewright events status` when an identity check it needs fails (red team, issue 24,
// finding 11). The contract (shared/api/events.ts) says `verified` is false "when a read
// the verdict needs failed", and the CLI exits 4 (unverified) then. An identity check
// (STS) is such a read: without it status cannot even tell which rule to read, or whose
// queue. It said "polled" (verified, exit 0, "Please try again..") when the target's own
// check failed, and "no profile signs in to the hub account" when the hub's profile's
// check failed. The red team's tests, their assertions kept, the reasons checked too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { FaultRule } from '../../src/sandbox/faults';
import type { EventsTargetStatus } from '../../src/shared/api/events';

const DEV = '111111111111';
const PROD = '333333333333';

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
beforeAll(async () => {
  h = await cliWithSandbox('redteam-status', { seed: 'demo' });
  const dev = await runCli(['events', 'setup', '--profile', 'sandbox-dev', '--region', 'us-east-1', '--yes'], h.cliEnv);
  expect(dev.code, dev.out + dev.err).toBe(0);
  const staging = await runCli(
    ['events', 'setup', '--profile', 'sandbox-staging', '--region', 'us-east-1', '--hub-profile', 'sandbox-prod', '--yes', '--confirm-prod', 'sandbox-prod'],
    h.cliEnv,
  );
  expect(staging.code, staging.out + staging.err).toBe(0);
}, 120_000);
afterAll(() => h?.stop());

const row = (out: string, profile: string) => (JSON.parse(out).targets as EventsTargetStatus[]).find((t) => t.profile === profile && t.region === 'us-east-1')!;

describe('events status with a failed identity check', () => {
  it("the target's own identity check fails (STS 500): no verdict (verified false), the check named as failed, exit 4", { timeout: 60_000 }, async () => {
    const ok = await runCli(['events', 'status', '--json'], h.cliEnv);
    expect(row(ok.out, 'sandbox-dev')).toMatchObject({ mode: 'event-driven', verified: true });
    h.env.sb.faults.set([FaultRule.parse({ service: 'sts', operation: '*', account: DEV, errorRate: 1 })]);
    try {
      const r = await runCli(['events', 'status', '--json'], h.cliEnv);
      const dev = row(r.out, 'sandbox-dev');
      console.log(
        `STS failing for dev: exit ${r.code}; ${JSON.stringify({ mode: dev.mode, verified: dev.verified, reason: dev.reason, awsCode: dev.awsCode })}`,
      );
      expect(dev.verified, 'a verdict from a failed identity check').toBe(false);
      expect(dev.reason).toMatch(/^the identity of sandbox-dev could not be checked \(.+\)$/);
      expect(dev.reason).not.toContain('..');
      expect(r.code).toBe(4);
    } finally {
      h.env.sb.faults.set([]);
    }
  });

  it('the hub account\'s identity check fails (denied): unverified, not "no profile signs in to the hub account", exit 4', { timeout: 60_000 }, async () => {
    const ok = await runCli(['events', 'status', '--json'], h.cliEnv);
    expect(row(ok.out, 'sandbox-staging')).toMatchObject({ mode: 'event-driven', verified: true });
    h.env.sb.faults.set([FaultRule.parse({ service: 'sts', operation: '*', account: PROD, denyRate: 1 })]);
    try {
      const r = await runCli(['events', 'status', '--json'], h.cliEnv);
      const staging = row(r.out, 'sandbox-staging');
      console.log(
        `STS denied for prod: exit ${r.code}; staging ${JSON.stringify({ mode: staging.mode, verified: staging.verified, reason: staging.reason, awsCode: staging.awsCode })}`,
      );
      // sandbox-prod does sign in to 333333333333; its check failed. That is no verdict on the hub.
      expect(staging.reason ?? '').not.toContain(`no profile signs in to the hub account ${PROD}`);
      expect(staging.verified).toBe(false);
      expect(staging.reason).toMatch(/^unverified: the identity of .*\bsandbox-prod\b.* could not be checked \(/);
      expect(r.code).toBe(4);
    } finally {
      h.env.sb.faults.set([]);
    }
  });
});
