import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { PlanInputError, describePlan, planEventsSetup } from './setup-plan';
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
      'hub-bus:us-east-1',
      `bus-permission:us-east-1:${DEV}`,
      `bus-permission:us-east-1:${STAGING}`,
      'dlq:us-east-1',
      'queue:us-east-1',
      'queue-policy:us-east-1',
      'hub-rule:us-east-1',
      'hub-bus:eu-west-1',
      `bus-permission:eu-west-1:${DEV}`,
      'dlq:eu-west-1',
      'queue:eu-west-1',
      'queue-policy:eu-west-1',
      'hub-rule:eu-west-1',
      `role:${DEV}`,
      `member-rule:${DEV}:us-east-1`,
      `member-rule:${DEV}:eu-west-1`,
      `role:${STAGING}`,
      `member-rule:${STAGING}:us-east-1`,
      `role:${PROD}`,
      `member-rule:${PROD}:us-east-1`,
    ]);
    for (const r of plan.resources) expect(r.name).toMatch(/^pipewright-events/);
    const rule = plan.resources.find((r) => r.id === `member-rule:${DEV}:eu-west-1`)!;
    expect(rule).toMatchObject({
      targetArn: `arn:aws:events:eu-west-1:${PROD}:event-bus/pipewright-events`,
      roleArn: `arn:aws:iam::${DEV}:role/pipewright-events-forwarder`,
    });
    const role = plan.resources.find((r) => r.id === `role:${DEV}`)!;
    expect(role.kind === 'forwarding-role' && JSON.parse(role.policy).Statement[0].Resource).toEqual([
      `arn:aws:events:eu-west-1:${PROD}:event-bus/pipewright-events`,
      `arn:aws:events:us-east-1:${PROD}:event-bus/pipewright-events`,
    ]);
    const policy = plan.resources.find((r) => r.id === 'queue-policy:us-east-1')!;
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
