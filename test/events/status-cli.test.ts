// `pipewright events status` as a user runs it, beside the app on the same home: the
// app's watchers read the hub queue, and status (another process, which reads none)
// says when each target's last event came, as an age; a target whose forwarding rule
// cannot be read has no verdict, says so in a field of its own, and status exits 4.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { cliWithSandbox, runCli } from '../helpers/cli';
import { composeServices } from '../../src/main/compose';
import { SandboxService } from '../../src/main/app/sandbox-service';
import { Settings } from '../../src/shared/api/settings';
import { FaultRule } from '../../src/sandbox/faults';
import type { EventsTargetStatus } from '../../src/shared/api/events';
import { DEV, FAST_EVENTS, saveAwsEnv, setUpAndWatch, until } from '../helpers/live-updates';

const ref = { profile: 'sandbox-dev', region: 'us-east-1', name: 'web-frontend' };

let h: Awaited<ReturnType<typeof cliWithSandbox>>;
let app: ReturnType<typeof composeServices>;
const restoreAwsEnv = saveAwsEnv();

beforeAll(async () => {
  h = await cliWithSandbox('events-status', { seed: 'demo' });
  // The app: the services as the app composes them, on the CLI's home and AWS config.
  Object.assign(process.env, { AWS_CONFIG_FILE: h.cliEnv.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: h.cliEnv.AWS_SHARED_CREDENTIALS_FILE });
  app = composeServices({
    home: h.cliEnv.PIPEWRIGHT_HOME!,
    settings: () => Settings.parse({}),
    sandbox: new SandboxService(),
    executions: { events: { ...FAST_EVENTS, lastEventsWriteMs: 100 } },
  });
  await app.accounts.reload();
}, 60_000);
afterAll(async () => {
  await app?.coverage.dispose();
  await app?.dispose();
  restoreAwsEnv();
  await h?.stop();
});

const row = (targets: EventsTargetStatus[], profile: string, region: string) => targets.find((t) => t.profile === profile && t.region === region)!;

describe('pipewright events status beside the app', () => {
  it("says when the app's reader last heard each target, as an age", { timeout: 90_000 }, async () => {
    await setUpAndWatch(app, 'app-window', ref);
    const heardBefore = Date.now();
    await h.env.codepipeline('dev').send(new StartPipelineExecutionCommand({ name: ref.name }));
    await until('an event heard', () => app.coverage.counts.events > 0);

    // In the app: its own reader's time, through the API's status.
    const [inApp] = await app.liveUpdates.status([{ profile: ref.profile, region: ref.region }], { lastEvent: (t) => app.coverage.lastEvent(t) });
    expect(inApp.lastEventAt).not.toBeNull();
    expect(Date.parse(inApp.lastEventAt!)).toBeGreaterThanOrEqual(heardBefore - 1_000);

    // In the CLI, another process: what the reader wrote down.
    const json = await until('the reader to write what it heard', async () => {
      const r = await runCli(['events', 'status', '--json'], h.cliEnv);
      const t = row(JSON.parse(r.out).targets as EventsTargetStatus[], ref.profile, ref.region);
      return t.lastEventAt ? { r, t } : null;
    });
    expect(json.r.code, json.r.err).toBe(0);
    expect(json.t).toMatchObject({ mode: 'event-driven', verified: true });
    expect(Date.now() - Date.parse(json.t.lastEventAt!)).toBeLessThan(60_000);
    // Targets never set up were never heard.
    expect(row(JSON.parse(json.r.out).targets as EventsTargetStatus[], 'sandbox-staging', 'us-east-1').lastEventAt).toBeNull();

    const table = await runCli(['events', 'status'], h.cliEnv);
    expect(table.code, table.err).toBe(0);
    const line = table.out.split('\n').find((l) => l.startsWith('sandbox-dev') && l.includes(' us-east-1 '))!;
    console.log(`events status:\n${table.out.split('\n').slice(0, 3).join('\n')}`);
    expect(line).toMatch(/ event-driven .* \d+ s ago/);
  });

  it('a forwarding rule that cannot be read: verified false in --json, and exit 4', { timeout: 60_000 }, async () => {
    h.env.sb.faults.set([FaultRule.parse({ service: 'events', operation: 'DescribeRule', account: DEV, region: 'us-east-1', denyRate: 1 })]);
    try {
      const r = await runCli(['events', 'status', '--json'], h.cliEnv);
      const targets = JSON.parse(r.out).targets as EventsTargetStatus[];
      const dev = row(targets, 'sandbox-dev', 'us-east-1');
      console.log(`unreadable rule: exit ${r.code}; ${JSON.stringify({ mode: dev.mode, verified: dev.verified, reason: dev.reason })}`);
      expect(r.code).toBe(4);
      expect(dev).toMatchObject({ mode: 'polled', verified: false, awsCode: 'AccessDeniedException' });
      // Only what the denied rule read serves has no verdict (the auditor signs in to dev's account too).
      expect(targets.filter((t) => !t.verified).map((t) => `${t.accountId}/${t.region}`)).toEqual(
        targets.filter((t) => t.accountId === DEV && t.region === 'us-east-1').map(() => `${DEV}/us-east-1`),
      );
      expect(targets.some((t) => t.verified)).toBe(true);
    } finally {
      h.env.sb.faults.set([]);
    }
    // Readable again: a verdict, and exit 0.
    const again = await runCli(['events', 'status', '--json'], h.cliEnv);
    expect(again.code, again.err).toBe(0);
    expect(row(JSON.parse(again.out).targets as EventsTargetStatus[], 'sandbox-dev', 'us-east-1').verified).toBe(true);
  });
});
