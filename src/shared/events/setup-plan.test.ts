import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { PlanInputError, describePlan, mergedForwardingPolicy, oldGrantRevocation, planEventsSetup } from './setup-plan';
import { eventsTemplates } from './setup-template';

const DEV = '111111111111';
const STAGING = '222222222222';
const PROD = '333333333333';

describe('planEventsSetup', () => {
  it('one hub per watched region, a rule per account and region, a role per account, a bus statement per other account', () => {
    const plan = planEventsSetup(
      [
        { profile: 'dev', accountId: DEV, regions: ['us-east-1', 'eu-west-1'] },
        { profile: 'staging', accountId: STAGING, regions: ['us-east-1'] },
        { profile: 'prod', accountId: PROD, regions: ['us-east-1'] },
      ],
      { profile: 'prod', accountId: PROD },
    );
    expect(plan.resources.map((r) => r.id)).toEqual([
      `hub-bus:${PROD}:us-east-1`,
      `bus-permission:${PROD}:us-east-1:${DEV}`,
      `bus-permission:${PROD}:us-east-1:${STAGING}`,
      `dlq:${PROD}:us-east-1`,
      `queue:${PROD}:us-east-1`,
      `queue-policy:${PROD}:us-east-1`,
      `hub-rule:${PROD}:us-east-1`,
      `hub-bus:${PROD}:eu-west-1`,
      `bus-permission:${PROD}:eu-west-1:${DEV}`,
      `dlq:${PROD}:eu-west-1`,
      `queue:${PROD}:eu-west-1`,
      `queue-policy:${PROD}:eu-west-1`,
      `hub-rule:${PROD}:eu-west-1`,
      `role:${DEV}`,
      `member-rule:${DEV}:us-east-1→${PROD}:us-east-1`,
      `member-rule:${DEV}:eu-west-1→${PROD}:eu-west-1`,
      `role:${STAGING}`,
      `member-rule:${STAGING}:us-east-1→${PROD}:us-east-1`,
      `role:${PROD}`,
      `member-rule:${PROD}:us-east-1→${PROD}:us-east-1`,
    ]);
    for (const r of plan.resources) expect(r.name).toMatch(/^pipewright-events/);
    const rule = plan.resources.find((r) => r.id === `member-rule:${DEV}:eu-west-1→${PROD}:eu-west-1`)!;
    expect(rule).toMatchObject({
      targetArn: `arn:aws:events:eu-west-1:${PROD}:event-bus/pipewright-events`,
      roleArn: `arn:aws:iam::${DEV}:role/pipewright-events-forwarder`,
    });
    const role = plan.resources.find((r) => r.id === `role:${DEV}`)!;
    expect(role.kind === 'forwarding-role' && JSON.parse(role.policy).Statement[0].Resource).toEqual([
      `arn:aws:events:eu-west-1:${PROD}:event-bus/pipewright-events`,
      `arn:aws:events:us-east-1:${PROD}:event-bus/pipewright-events`,
    ]);
    const policy = plan.resources.find((r) => r.id === `queue-policy:${PROD}:us-east-1`)!;
    expect(policy.kind === 'queue-policy' && JSON.parse(policy.policy).Statement[0].Condition).toEqual({
      ArnEquals: { 'aws:SourceArn': `arn:aws:events:us-east-1:${PROD}:rule/pipewright-events/pipewright-events-to-queue` },
    });
    expect(describePlan(plan)[0]).toBe(`hub ${PROD} (prod) us-east-1:`);
  });

  it('one hub region for all when asked, with a warning; one rule for two profiles of one account', () => {
    const plan = planEventsSetup(
      [
        { profile: 'dev', accountId: DEV, regions: ['eu-west-1'] },
        { profile: 'dev-admin', accountId: DEV, regions: ['eu-west-1'] },
      ],
      { profile: 'dev', accountId: DEV, region: 'us-east-1' },
    );
    expect(plan.routes).toEqual([{ profile: 'dev', accountId: DEV, region: 'eu-west-1', hubRegion: 'us-east-1' }]);
    expect(plan.warnings).toHaveLength(2);
    expect(plan.resources.filter((r) => r.kind === 'bus-permission')).toEqual([]);
  });

  it('names the hub account in every hub id, and the hub in each rule id: a plan with its hub elsewhere shares no id but the role', () => {
    const dev = [{ profile: 'dev', accountId: DEV, regions: ['us-east-1'] }];
    const toStaging = planEventsSetup(dev, { profile: 'staging', accountId: STAGING }).resources.map((r) => r.id);
    const toDev = planEventsSetup(dev, { profile: 'dev', accountId: DEV }).resources.map((r) => r.id);
    expect(toStaging).toEqual([
      `hub-bus:${STAGING}:us-east-1`,
      `bus-permission:${STAGING}:us-east-1:${DEV}`,
      `dlq:${STAGING}:us-east-1`,
      `queue:${STAGING}:us-east-1`,
      `queue-policy:${STAGING}:us-east-1`,
      `hub-rule:${STAGING}:us-east-1`,
      `role:${DEV}`,
      `member-rule:${DEV}:us-east-1→${STAGING}:us-east-1`,
    ]);
    expect(toDev.filter((id) => toStaging.includes(id))).toEqual([`role:${DEV}`]);
    // The same hub account in another hub region: another rule id too.
    const toStagingEu = planEventsSetup(dev, { profile: 'staging', accountId: STAGING, region: 'eu-west-1' }).resources.map((r) => r.id);
    expect(toStagingEu).toContain(`member-rule:${DEV}:us-east-1→${STAGING}:eu-west-1`);
    expect(toStagingEu.filter((id) => toStaging.includes(id))).toEqual([`role:${DEV}`]);
  });

  it("the role's policy keeps every hub bus it already allows, and adds the planned ones", () => {
    const bus = (account: string, region: string) => `arn:aws:events:${region}:${account}:event-bus/pipewright-events`;
    const existing = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: [bus(PROD, 'us-east-1')] }],
    });
    const planned = planEventsSetup([{ profile: 's', accountId: STAGING, regions: ['eu-west-1'] }], { profile: 'p', accountId: PROD }).resources.find(
      (r) => r.kind === 'forwarding-role',
    )!;
    const merged = (doc: string | undefined) => JSON.parse(mergedForwardingPolicy(doc, planned.kind === 'forwarding-role' ? planned.policy : '')).Statement;
    expect(merged(existing)).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: [bus(PROD, 'eu-west-1'), bus(PROD, 'us-east-1')] }]);
    // A single Resource string, and nothing to merge with.
    const single = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: ['events:PutEvents'], Resource: bus(DEV, 'us-east-1') }] });
    expect(merged(single)[0].Resource).toEqual([bus(PROD, 'eu-west-1'), bus(DEV, 'us-east-1')]);
    expect(merged(undefined)[0].Resource).toEqual([bus(PROD, 'eu-west-1')]);
    expect(merged('not json')[0].Resource).toEqual([bus(PROD, 'eu-west-1')]);
  });

  it('revoking an old grant is shown as a removal on the old hub, after the rules that move', () => {
    const r = oldGrantRevocation({
      member: DEV,
      memberRegions: ['us-east-1'],
      memberRuleIds: [`member-rule:${DEV}:us-east-1→${DEV}:us-east-1`],
      oldHub: { profile: 'staging', accountId: STAGING, region: 'us-east-1' },
      newHub: { accountId: DEV, region: 'us-east-1' },
    });
    expect(r).toMatchObject({ id: `old-bus-permission:${STAGING}:us-east-1:${DEV}`, account: STAGING, statementId: `pipewright-events-${DEV}` });
    const plan = planEventsSetup([{ profile: 'dev', accountId: DEV, regions: ['us-east-1'] }], { profile: 'dev', accountId: DEV });
    const lines = describePlan({ ...plan, resources: [...plan.resources, r] });
    expect(lines.slice(-2)).toEqual([
      `old hub ${STAGING} (staging) us-east-1:`,
      `  - revoke bus policy statement pipewright-events-${DEV} on the old hub's bus pipewright-events: account ${DEV}'s rule in us-east-1 moves to ${DEV} us-east-1`,
    ]);
  });

  it('refuses what cannot be planned', () => {
    expect(() => planEventsSetup([], { profile: 'p', accountId: DEV })).toThrow(PlanInputError);
    expect(() => planEventsSetup([{ profile: 'p', accountId: '12', regions: ['us-east-1'] }], { profile: 'p', accountId: DEV })).toThrow(/12 digits/);
    expect(() => planEventsSetup([{ profile: 'p', accountId: DEV, regions: ['mars-1'] }], { profile: 'p', accountId: DEV })).toThrow(/not a region/);
  });
});

describe('eventsTemplates', () => {
  it('a member template and a hub template naming the same resources as the plan', () => {
    const plan = planEventsSetup([{ profile: 'dev', accountId: DEV, regions: ['us-east-1'] }], { profile: 'prod', accountId: PROD });
    const t = eventsTemplates(plan);
    const member = YAML.parse(t.member);
    const hub = YAML.parse(t.hub);
    expect(member.Parameters.HubAccountId.Default).toBe(PROD);
    expect(member.Resources.ForwardRule.Properties.Name).toBe('pipewright-events-forward');
    expect(member.Resources.ForwardingRole.Properties.RoleName).toBe('pipewright-events-forwarder');
    expect(hub.Parameters.MemberAccountIds.Default).toBe(DEV);
    const names = Object.values(hub.Resources as Record<string, { Properties: { Name?: string; QueueName?: string } }>).map(
      (r) => r.Properties.Name ?? r.Properties.QueueName,
    );
    for (const r of plan.resources.filter((x) => x.side === 'hub' && x.kind !== 'bus-permission' && x.kind !== 'queue-policy')) expect(names).toContain(r.name);
  });
});
