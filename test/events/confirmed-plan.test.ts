// Live updates change AWS resources only as a person confirmed them (issue 24, and the
// project's safety rules): setup and remove act on the plan's resources the person saw,
// made again at the moment of acting, and nothing else; in a production account the
// account's word is typed as well (shared/safety/confirmation.ts, production.ts).
// Against the sandbox with the real SDK clients; each resource read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeEventBusCommand, DescribeRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { startServices } from '../helpers/services';
import { EventsService } from '../../src/main/events';
import { confirm, ConfirmationError } from '../../src/shared/safety/confirmation';
import { applyLiveUpdates, DEV, PROD, removeLiveUpdates, sandboxClients, STAGING, type Env } from '../helpers/live-updates';

let env: Env;
let svc: EventsService;
/** The settings' production marks, changed by a test to make an account production after its confirmation. */
const marks = { production: [] as string[], notProduction: [] as string[] };

beforeAll(async () => {
  env = await startServices({ seed: 'demo', timeScale: 0.002 });
  svc = new EventsService(env.accounts, env.home, { testTimeoutMs: 15_000, productionMarks: () => marks });
}, 60_000);
afterAll(() => env?.stop());

const { events, sqs, iam } = sandboxClients(() => env.sb);
const exists = (p: Promise<unknown>) =>
  p.then(
    () => true,
    () => false,
  );

describe('setup creates only what was confirmed', () => {
  it('a resource the plan names now that the person did not see is skipped, not created', { timeout: 60_000 }, async () => {
    const input = { targets: [{ profile: 'sandbox-dev', regions: ['eu-west-1'] }] };
    const all = (await svc.plan(input)).resources.map((r) => r.id);
    // The person saw an older plan, without the forwarding role.
    const seen = all.filter((id) => id !== `role:${DEV}`);
    const confirmed = confirm(await svc.setupRequest(input, seen), { words: [] });
    const r = await svc.apply(input, { confirmed, resources: seen });
    expect(r.ok).toBe(false);
    expect(r.outcomes.find((o) => o.id === `role:${DEV}`)).toMatchObject({
      outcome: 'skipped',
      message: expect.stringMatching(/not in the plan that was confirmed/i),
    });
    // What needs the role is not made without it either.
    expect(r.outcomes.find((o) => o.id === `member-rule:${DEV}:eu-west-1→${DEV}:eu-west-1`)).toMatchObject({ outcome: 'skipped' });
    expect(await exists(iam(DEV).send(new GetRoleCommand({ RoleName: 'pipewright-events-forwarder' })))).toBe(false);
    // What was confirmed was made.
    expect(await exists(events(DEV, 'eu-west-1').send(new DescribeEventBusCommand({ Name: 'pipewright-events' })))).toBe(true);
    await removeLiveUpdates(svc, input);
  });

  it('no confirmation, or one made for other resources, creates nothing', { timeout: 30_000 }, async () => {
    const input = { targets: [{ profile: 'sandbox-dev', regions: ['eu-west-1'] }] };
    const all = (await svc.plan(input)).resources.map((r) => r.id);
    await expect(svc.apply(input, { confirmed: null, resources: all })).rejects.toThrow(ConfirmationError);
    // Issued for one resource, presented for all of them.
    const forOne = confirm(await svc.setupRequest(input, all.slice(0, 1)), { words: [] });
    await expect(svc.apply(input, { confirmed: forOne, resources: all })).rejects.toThrow(ConfirmationError);
    expect(await exists(events(DEV, 'eu-west-1').send(new DescribeEventBusCommand({ Name: 'pipewright-events' })))).toBe(false);
  });

  it("in a production account, the account's word is typed, and production learnt since the confirmation refuses it", { timeout: 60_000 }, async () => {
    const input = { targets: [{ profile: 'sandbox-prod', regions: ['eu-west-1'] }] };
    const seen = (await svc.plan(input)).resources.map((r) => r.id);
    const request = await svc.setupRequest(input, seen);
    expect(() => confirm(request, { words: [] })).toThrow(/sandbox-prod/);

    // Staging is not production when confirmed; marked production before acting, the confirmation no longer covers it.
    const stagingInput = { targets: [{ profile: 'sandbox-staging', regions: ['eu-west-1'] }] };
    const stagingSeen = (await svc.plan(stagingInput)).resources.map((r) => r.id);
    const before = confirm(await svc.setupRequest(stagingInput, stagingSeen), { words: [] });
    marks.production.push(STAGING);
    try {
      await expect(svc.apply(stagingInput, { confirmed: before, resources: stagingSeen })).rejects.toThrow(/production/);
    } finally {
      marks.production.length = 0;
    }
    expect(await exists(events(STAGING, 'eu-west-1').send(new DescribeRuleCommand({ Name: 'pipewright-events-forward' })))).toBe(false);

    const r = await svc.apply(input, { confirmed: confirm(request, { words: [], production: ['sandbox-prod'] }), resources: seen });
    expect(r.ok).toBe(true);
    await removeLiveUpdates(svc, input);
  });
});

describe('remove deletes only what was confirmed', () => {
  it('a hub that became unused after the confirmation is kept: the plan made at acting names it, the person did not', { timeout: 90_000 }, async () => {
    // Staging and dev both feed prod's hub in us-east-1.
    expect((await applyLiveUpdates(svc, { targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }], hubProfile: 'sandbox-prod' })).ok).toBe(true);
    expect((await applyLiveUpdates(svc, { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }], hubProfile: 'sandbox-prod' })).ok).toBe(true);

    // The person reviews staging's removal: the hub stays, dev still uses it.
    const staging = { targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }] };
    const plan = await svc.removePlan(staging);
    expect(plan.view.keep.map((k) => k.id)).toContain(`hub-bus:${PROD}:us-east-1`);
    const seen = plan.resources.map((r) => r.id);
    expect(seen).not.toContain(`hub-bus:${PROD}:us-east-1`);
    const confirmed = confirm(await svc.removeRequest(staging, seen), { words: [], production: ['sandbox-prod'] });

    // Meanwhile dev's setup goes: now nothing but staging uses the hub, and a plan made now would delete it.
    await removeLiveUpdates(svc, { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] });
    expect((await svc.removePlan(staging)).resources.map((r) => r.id)).toContain(`hub-bus:${PROD}:us-east-1`);

    const r = await svc.remove(staging, { confirmed, resources: seen });
    expect(r.outcomes.filter((o) => o.outcome === 'deleted').map((o) => o.id)).toEqual(seen);
    for (const id of [`hub-rule:${PROD}:us-east-1`, `queue:${PROD}:us-east-1`, `dlq:${PROD}:us-east-1`, `hub-bus:${PROD}:us-east-1`])
      expect(r.outcomes.find((o) => o.id === id)).toMatchObject({ outcome: 'skipped', message: expect.stringMatching(/not in the plan that was confirmed/i) });
    expect(await exists(events(PROD).send(new DescribeEventBusCommand({ Name: 'pipewright-events' })))).toBe(true);
    expect(await exists(sqs(PROD).send(new GetQueueUrlCommand({ QueueName: 'pipewright-events' })))).toBe(true);
    expect(await exists(events(STAGING).send(new DescribeRuleCommand({ Name: 'pipewright-events-forward' })))).toBe(false);

    // Planned and confirmed again, it goes.
    const again = await removeLiveUpdates(svc, { targets: [{ profile: 'sandbox-prod', regions: ['us-east-1'] }] });
    expect(again.ok).toBe(true);
  });

  it('removing from a production account needs its word', { timeout: 60_000 }, async () => {
    const input = { targets: [{ profile: 'sandbox-prod', regions: ['eu-west-1'] }] };
    expect((await applyLiveUpdates(svc, input)).ok).toBe(true);
    const seen = (await svc.removePlan(input)).resources.map((r) => r.id);
    const request = await svc.removeRequest(input, seen);
    expect(() => confirm(request, { words: [] })).toThrow(/type "sandbox-prod"/i);
    await expect(svc.remove(input, { confirmed: null, resources: seen })).rejects.toThrow(ConfirmationError);
    expect(await exists(events(PROD, 'eu-west-1').send(new DescribeRuleCommand({ Name: 'pipewright-events-forward' })))).toBe(true);
    const r = await svc.remove(input, { confirmed: confirm(request, { words: [], production: ['sandbox-prod'] }), resources: seen });
    expect(r.ok).toBe(true);
    expect(await exists(events(PROD, 'eu-west-1').send(new DescribeRuleCommand({ Name: 'pipewright-events-forward' })))).toBe(false);
  });
});
