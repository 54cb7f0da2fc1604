// The live-updates setup's view logic: the one input "Set up all" makes of several targets, and what it takes.
import { describe, expect, it } from 'vitest';
import type { EventsTargetStatus } from '../../../../shared/api/events';
import { hubRegionChoices, notSetUpTargets, setupInputOf } from './live-updates-model';

const status = (profile: string, region: string, mode: EventsTargetStatus['mode'], reason: string | null): EventsTargetStatus => ({
  profile,
  region,
  mode,
  reason,
  accountId: '111111111111',
  awsCode: null,
  hub: null,
  lastEventAt: null,
  verified: true,
});

describe('live-updates model', () => {
  it('takes only the targets polled because nothing is set up', () => {
    expect(
      notSetUpTargets([
        status('a', 'us-east-1', 'polled', 'not set up'),
        status('a', 'eu-west-1', 'polled', 'not set up: the last setup failed: member-rule failed: not permitted'),
        status('b', 'us-east-1', 'polled', "a rule named pipewright-events-forward exists and is not Pipewright's"),
        status('c', 'us-east-1', 'degraded', 'the forwarding rule is disabled'),
        status('d', 'us-east-1', 'event-driven', null),
        status('e', 'us-east-1', 'polled', 'not set up'),
      ]),
    ).toEqual([
      { profile: 'a', region: 'us-east-1' },
      { profile: 'e', region: 'us-east-1' },
    ]);
  });

  it('makes one input of several targets: each profile once, its regions once, with the hub chosen', () => {
    const targets = [
      { profile: 'a', region: 'us-east-1' },
      { profile: 'b', region: 'us-east-1' },
      { profile: 'a', region: 'eu-west-1' },
      { profile: 'a', region: 'us-east-1' },
    ];
    expect(setupInputOf(targets, { profile: 'b' })).toEqual({
      targets: [
        { profile: 'a', regions: ['us-east-1', 'eu-west-1'] },
        { profile: 'b', regions: ['us-east-1'] },
      ],
      hubProfile: 'b',
    });
    expect(setupInputOf(targets, { profile: 'a', region: 'eu-west-1' }).hubRegion).toBe('eu-west-1');
  });

  it("offers the targets' own regions first as the one hub region", () => {
    expect(hubRegionChoices([{ profile: 'a', region: 'eu-west-1' }], ['us-east-1', 'eu-west-1'], [status('b', 'ap-southeast-2', 'polled', null)])).toEqual([
      'eu-west-1',
      'us-east-1',
      'ap-southeast-2',
    ]);
  });
});
