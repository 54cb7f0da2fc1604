// Red team, issue 24: what `events remove` (and a second `events setup`) may delete or
// undo beyond what the person confirmed, against the sandbox with the real SDK clients.
// Each test sets up live updates as a user would, then removes one part and reads back,
// through the SDK, what a part that was NOT removed still needs. (From the red team's
// test/redteam/remove-safety.test.ts; the fixes' own checks are added beside theirs.)
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DescribeEventBusCommand, EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { composeBeside, startServices } from '../helpers/services';
import { applyLiveUpdates, DEV, PROD, removeLiveUpdates, sandboxClientConfig, STAGING, type Env } from '../helpers/live-updates';
import { confirm } from '../../src/shared/safety/confirmation';
import { FaultRule } from '../../src/sandbox/faults';
import { Settings } from '../../src/shared/api/settings';

let env: Env | undefined;
afterEach(async () => {
  await env?.stop();
  env = undefined;
});

const client = (e: Env, id: string, region?: string) => sandboxClientConfig(e.sb, id, region);
const busExists = async (e: Env, id: string, region = 'us-east-1') =>
  new EventBridgeClient(client(e, id, region)).send(new DescribeEventBusCommand({ Name: 'pipewright-events' })).then(
    (b) => b,
    () => null,
  );
const queueExists = async (e: Env, id: string, region = 'us-east-1') =>
  new SQSClient(client(e, id, region)).send(new GetQueueUrlCommand({ QueueName: 'pipewright-events' })).then(
    () => true,
    () => false,
  );

/**
 * The sandbox refuses a rule target on another region's bus (PutTargets: "the sandbox delivers to event buses in
 * <region> only"), which AWS accepts (us-east-1 is a cross-region destination): `--hub-region` then leaves the
 * member rule without its target. This puts the target the setup planned, as AWS would have kept it.
 */
async function setUpWithHubRegion(e: Env, input: { targets: Array<{ profile: string; regions: string[] }>; hubProfile?: string; hubRegion: string }) {
  const applied = await applyLiveUpdates(e.liveUpdates, input);
  for (const o of applied.outcomes.filter((x) => x.outcome === 'failed')) {
    expect(o.kind, JSON.stringify(o)).toBe('member-rule');
    expect(o.message).toMatch(/is in another region: the sandbox delivers to event buses in/);
    const planned = applied.plan.resources.find((r) => r.id === o.id)!;
    const hubAccount = applied.plan.hub.accountId;
    e.sb.events.rule(o.account, o.region, 'pipewright-events-forward').targets.push({
      Id: 'pipewright-events-hub',
      Arn: `arn:aws:events:${input.hubRegion}:${hubAccount}:event-bus/pipewright-events`,
      RoleArn: `arn:aws:iam::${o.account}:role/pipewright-events-forwarder`,
    });
    expect(planned.kind).toBe('member-rule');
  }
}

describe('remove deletes only what the person confirmed, in the account it says', () => {
  it(
    "the hub account unreachable (its profile's identity check fails): remove deletes the member account's OWN hub, which another account's events use",
    { timeout: 90_000 },
    async () => {
      env = await startServices({ seed: 'demo', timeScale: 0.002 });
      // dev's events go to a hub in staging; staging's own events go to a hub in prod.
      expect(
        (await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }], hubProfile: 'sandbox-staging' })).ok,
      ).toBe(true);
      expect(
        (await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }], hubProfile: 'sandbox-prod' })).ok,
      ).toBe(true);
      expect(await busExists(env, STAGING)).not.toBeNull();
      expect((await env.liveUpdates.status([{ profile: 'sandbox-dev', region: 'us-east-1' }]))[0].mode).toBe('event-driven');

      // Later, prod's credentials have expired (any STS failure will do): a new process cannot tell which profile reaches prod.
      env.sb.faults.set([FaultRule.parse({ service: 'sts', operation: '*', account: PROD, denyRate: 1 })]);
      const later = await composeBeside(env);
      try {
        const { view } = await later.liveUpdates.removePlan({ targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }] });
        console.log(
          `remove plan with prod unreachable:\n  remove: ${view.remove.map((r) => `${r.id} [${r.account} via ${r.profile}]`).join(', ')}\n  keep: ${view.keep
            .map((k) => `${k.id}: ${k.why}`)
            .join('; ')}`,
        );
        // Nothing of prod's hub is planned (no profile is verified to reach it): it is said to be unreadable, with why.
        expect(view.remove.filter((r) => r.account !== STAGING)).toEqual([]);
        expect(view.unreadable).toEqual([
          expect.objectContaining({
            id: `hub-bus:${PROD}:us-east-1`,
            account: PROD,
            outcome: 'failed',
            message: expect.stringMatching(/^no profile is known to sign in to the hub account 333333333333: the identity check failed for .*sandbox-prod/),
          }),
        ]);
        const r = await removeLiveUpdates(later.liveUpdates, { targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }] });
        console.log(`remove outcomes: ${r.outcomes.map((o) => `${o.id}=${o.outcome} [says ${o.account}]`).join(', ')}`);
        expect(r.outcomes.map((o) => [o.id, o.outcome, o.account])).toEqual([
          [`member-rule:${STAGING}:us-east-1→${PROD}:us-east-1`, 'deleted', STAGING],
          [`role:${STAGING}`, 'deleted', STAGING],
        ]);
      } finally {
        env.sb.faults.set([]);
        await later.dispose();
      }
      // staging's own hub (dev's events' hub) was never part of staging→prod: it must still be there.
      expect(await queueExists(env, STAGING), "staging's hub queue, which dev's events go to, was deleted").toBe(true);
      expect(await busExists(env, STAGING), "staging's hub bus, which dev's events go to, was deleted").not.toBeNull();
    },
  );

  it(
    'one hub region fed by two member regions (--hub-region): removing one region deletes the hub and the bus permission the other still uses',
    { timeout: 90_000 },
    async () => {
      env = await startServices({ seed: 'demo', timeScale: 0.002 });
      const input = { targets: [{ profile: 'sandbox-staging', regions: ['us-east-1', 'eu-west-1'] }], hubProfile: 'sandbox-prod', hubRegion: 'us-east-1' };
      await setUpWithHubRegion(env, input);
      const euRule = await new EventBridgeClient(client(env, STAGING, 'eu-west-1')).send(new ListTargetsByRuleCommand({ Rule: 'pipewright-events-forward' }));
      expect(euRule.Targets?.[0].Arn).toBe(`arn:aws:events:us-east-1:${PROD}:event-bus/pipewright-events`);

      const { view } = await env.liveUpdates.removePlan({ targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }] });
      console.log(`remove us-east-1 only: remove ${view.remove.map((r) => r.id).join(', ')}; keep ${view.keep.map((k) => `${k.id} (${k.why})`).join(', ')}`);
      await removeLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }] });

      // staging's eu-west-1 rule still forwards to prod's us-east-1 hub: the hub, and staging's statement in its policy, must stay.
      const bus = await busExists(env, PROD);
      expect(bus, "prod's hub bus (still the target of staging's eu-west-1 rule) was deleted").not.toBeNull();
      const sids = (JSON.parse(bus?.Policy ?? '{"Statement":[]}') as { Statement: Array<{ Sid: string }> }).Statement.map((s) => s.Sid);
      expect(sids, "staging's bus permission (still needed by its eu-west-1 rule) was removed").toContain(`pipewright-events-${STAGING}`);
      expect(await queueExists(env, PROD)).toBe(true);
    },
  );

  it('one account, both regions into one hub region: removing the hub region deletes the hub the other region still feeds', { timeout: 90_000 }, async () => {
    env = await startServices({ seed: 'demo', timeScale: 0.002 });
    const input = { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1', 'eu-west-1'] }], hubRegion: 'us-east-1' };
    await setUpWithHubRegion(env, input);
    await removeLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] });
    const euTargets = await new EventBridgeClient(client(env, DEV, 'eu-west-1')).send(new ListTargetsByRuleCommand({ Rule: 'pipewright-events-forward' }));
    expect(euTargets.Targets?.[0].Arn).toBe(`arn:aws:events:us-east-1:${DEV}:event-bus/pipewright-events`);
    expect(await busExists(env, DEV), "the hub bus dev's eu-west-1 rule forwards to was deleted").not.toBeNull();
  });

  it('the forwarding role is deleted while a rule in a region outside the workspace regions still uses it', { timeout: 90_000 }, async () => {
    // The explorer covers us-east-1 only; live updates were set up in two regions (the CLI takes any --region).
    const settings = Settings.parse({ workspace: { regions: ['us-east-1'] } });
    env = await startServices({ seed: 'demo', timeScale: 0.002, settings });
    expect((await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1', 'eu-west-1'] }] })).ok).toBe(true);
    const { view } = await env.liveUpdates.removePlan({ targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] });
    console.log(`remove us-east-1: ${view.remove.map((r) => r.id).join(', ')}; keep: ${view.keep.map((k) => `${k.id} (${k.why})`).join(', ') || '-'}`);
    await removeLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] });
    const eu = await new EventBridgeClient(client(env, DEV, 'eu-west-1')).send(new ListTargetsByRuleCommand({ Rule: 'pipewright-events-forward' }));
    expect(eu.Targets?.[0].RoleArn).toBe(`arn:aws:iam::${DEV}:role/pipewright-events-forwarder`);
    const role = await new IAMClient(client(env, DEV)).send(new GetRoleCommand({ RoleName: 'pipewright-events-forwarder' })).then(
      () => 'exists',
      (e: Error) => e.name,
    );
    expect(role, 'the role the eu-west-1 rule forwards with was deleted').toBe('exists');
  });
});

describe('a second setup does not undo the first', () => {
  it(
    "setting up another region later rewrites the forwarding role's policy: the first region may no longer put events on its hub",
    { timeout: 90_000 },
    async () => {
      env = await startServices({ seed: 'demo', timeScale: 0.002 });
      expect(
        (await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }], hubProfile: 'sandbox-prod' })).ok,
      ).toBe(true);
      const second = await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-staging', regions: ['eu-west-1'] }], hubProfile: 'sandbox-prod' });
      expect(second.ok).toBe(true);
      console.log(`second setup, role: ${second.outcomes.find((o) => o.kind === 'forwarding-role')?.outcome}`);
      const rp = await new IAMClient(client(env, STAGING)).send(
        new GetRolePolicyCommand({ RoleName: 'pipewright-events-forwarder', PolicyName: 'pipewright-events-put-events' }),
      );
      const resources = (JSON.parse(decodeURIComponent(rp.PolicyDocument!)) as { Statement: Array<{ Resource: string[] }> }).Statement.flatMap(
        (s) => s.Resource,
      );
      console.log(`role policy now allows PutEvents on: ${resources.join(', ')}`);
      // The us-east-1 rule still forwards with this role to prod's us-east-1 bus.
      expect(resources).toContain(`arn:aws:events:us-east-1:${PROD}:event-bus/pipewright-events`);
      expect(resources).toContain(`arn:aws:events:eu-west-1:${PROD}:event-bus/pipewright-events`);
    },
  );
});

describe('remove removes everything the setup created', () => {
  // The red team's test expected dev's removal to delete staging's old hub as well. Once the
  // setup that moved dev's rule revokes dev's grant there (below), that hub no longer is
  // dev's: nothing ties it to dev, and a removal of dev's targets does not reach into another
  // account's hub. It is removed, with the rest of the check, by a removal in its own account
  // and region, which finds it used by nothing.
  it(
    "after the hub is changed: the setup revokes the member's grant on the old hub (planned and confirmed), and the old hub, used by nothing, goes with its own account's removal",
    { timeout: 90_000 },
    async () => {
      env = await startServices({ seed: 'demo', timeScale: 0.002 });
      const dev = { profile: 'sandbox-dev', regions: ['us-east-1'] };
      expect((await applyLiveUpdates(env.liveUpdates, { targets: [dev], hubProfile: 'sandbox-staging' })).ok).toBe(true);
      // The person picks another hub (the dialog offers the choice): dev's rule now targets dev's own bus.
      const plan = await env.liveUpdates.plan({ targets: [dev] });
      expect(plan.resources.at(-1)).toMatchObject({ id: `old-bus-permission:${STAGING}:us-east-1:${DEV}`, account: STAGING, profile: 'sandbox-staging' });
      const moved = await applyLiveUpdates(env.liveUpdates, { targets: [dev] });
      expect(moved.ok).toBe(true);
      console.log(`hub changed: ${moved.outcomes.map((o) => `${o.id}=${o.outcome}`).join(', ')}`);
      expect(moved.outcomes.at(-1)).toMatchObject({ id: `old-bus-permission:${STAGING}:us-east-1:${DEV}`, outcome: 'deleted', account: STAGING });
      const r = await removeLiveUpdates(env.liveUpdates, { targets: [dev] });
      expect(r.ok).toBe(true);
      let stagingBus = await busExists(env, STAGING);
      const sids = stagingBus ? (JSON.parse(stagingBus.Policy ?? '{"Statement":[]}') as { Statement: Array<{ Sid: string }> }).Statement.map((s) => s.Sid) : [];
      console.log(
        `after remove: staging's hub bus ${stagingBus ? 'still there' : 'gone'}, its statements ${JSON.stringify(sids)}, queue ${await queueExists(env, STAGING)}`,
      );
      expect(sids, "dev may still put events on staging's bus: the setup's grant outlived it").not.toContain(`pipewright-events-${DEV}`);
      const inStaging = await removeLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }] });
      expect(inStaging.ok).toBe(true);
      stagingBus = await busExists(env, STAGING);
      expect(stagingBus, "staging's hub (bus, rule, queues), created by the setup and used by nothing, was never removed").toBeNull();
      expect(await queueExists(env, STAGING)).toBe(false);
    },
  );

  it("a rule moved away from a hub another region of its account still forwards to: that account's grant there stays", { timeout: 90_000 }, async () => {
    env = await startServices({ seed: 'demo', timeScale: 0.002 });
    await setUpWithHubRegion(env, {
      targets: [{ profile: 'sandbox-dev', regions: ['us-east-1', 'eu-west-1'] }],
      hubProfile: 'sandbox-staging',
      hubRegion: 'us-east-1',
    });
    const plan = await env.liveUpdates.plan({ targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] });
    expect(plan.resources.filter((r) => r.kind === 'old-bus-permission')).toEqual([]);
    expect((await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] })).ok).toBe(true);
    const sids = (JSON.parse((await busExists(env, STAGING))?.Policy ?? '{"Statement":[]}') as { Statement: Array<{ Sid: string }> }).Statement.map(
      (s) => s.Sid,
    );
    expect(sids, "dev's eu-west-1 rule still forwards to staging's us-east-1 bus").toContain(`pipewright-events-${DEV}`);
  });
});

describe('each deletion is made in the account its plan names', () => {
  it(
    'a plan naming a resource in one account with a profile of another is refused there, not deleted where the profile signs in',
    { timeout: 90_000 },
    async () => {
      env = await startServices({ seed: 'demo', timeScale: 0.002 });
      expect((await applyLiveUpdates(env.liveUpdates, { targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }] })).ok).toBe(true);
      const svc = env.liveUpdates;
      const input = { targets: [{ profile: 'sandbox-staging', regions: ['us-east-1'] }] };
      const real = await svc.removePlan(input);
      // What the old removePlan did with no profile for the hub: prod's hub, to be deleted with staging's profile.
      const forged = real.resources.map((r) => (r.kind === 'hub-bus' ? { ...r, id: `hub-bus:${PROD}:us-east-1`, account: PROD } : r));
      const spy = vi.spyOn(svc, 'removePlan').mockResolvedValue({ ...real, resources: forged });
      try {
        const seen = forged.map((r) => r.id);
        const confirmed = confirm(await svc.changeRequest('events-remove', forged, seen), { words: [], production: ['sandbox-prod'] });
        const r = await svc.remove(input, { confirmed, resources: seen });
        expect(r.outcomes.find((o) => o.id === `hub-bus:${PROD}:us-east-1`)).toMatchObject({
          outcome: 'refused',
          message: `sandbox-staging signs in to ${STAGING}, not to ${PROD}: nothing was done`,
        });
        expect(r.ok).toBe(false);
      } finally {
        spy.mockRestore();
      }
      expect(await busExists(env, STAGING), "staging's bus, deleted under prod's name").not.toBeNull();
    },
  );
});
