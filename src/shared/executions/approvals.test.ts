import { describe, expect, it } from 'vitest';
import type { Approval, LiveAction, PipelineLiveState } from '../api/executions';
import { isWaitingApproval, oneRowPerApproval, waitingApprovals } from './approvals';

describe('an approval waiting (one rule for the live view, the inbox, the answer and releases)', () => {
  it('is an Approval action in progress that holds a token', () => {
    expect(isWaitingApproval({ category: 'Approval', status: 'InProgress', token: 't-1' })).toBe(true);
  });

  it('a running build, deploy or custom action is never one, token or not', () => {
    for (const category of ['Build', 'Deploy', 'Test', 'Invoke', 'Source', undefined])
      expect(isWaitingApproval({ category, status: 'InProgress', token: 't-1' }), String(category)).toBe(false);
  });

  it('an approval already answered, failed or without its token is not waiting', () => {
    for (const status of ['Succeeded', 'Failed', 'Abandoned', null, undefined])
      expect(isWaitingApproval({ category: 'Approval', status, token: 't-1' }), String(status)).toBe(false);
    for (const token of ['', null, undefined]) expect(isWaitingApproval({ category: 'Approval', status: 'InProgress', token }), String(token)).toBe(false);
  });
});

describe('waitingApprovals', () => {
  const action = (name: string, waitingForApproval: boolean): LiveAction => ({
    name,
    category: waitingForApproval ? 'Approval' : 'Build',
    provider: 'Manual',
    runOrder: 1,
    status: 'InProgress',
    summary: null,
    lastStatusChange: '2026-12-01T10:00:00.000Z',
    externalExecutionId: null,
    externalExecutionUrl: null,
    errorDetails: null,
    waitingForApproval,
    customData: waitingForApproval ? 'Check the dashboard' : null,
    externalEntityLink: waitingForApproval ? 'https://example.com/review' : null,
  });
  const state = {
    ref: { profile: 'p', region: 'us-east-1', name: 'web' },
    stages: [
      { name: 'Build', executionId: 'e-1', actions: [action('Compile', false)] },
      { name: 'Deploy', executionId: 'e-2', actions: [action('Compile2', false), action('ReleaseApproval', true)] },
    ],
  } as unknown as PipelineLiveState;

  it('lists only the actions waiting, each with its stage, execution, text and link, and the account given', () => {
    const account = { accountId: '333333333333', accountAlias: 'acme-prod', production: true, productionWord: 'acme-prod' };
    expect(waitingApprovals(state, account)).toEqual([
      {
        ref: state.ref,
        ...account,
        stageName: 'Deploy',
        actionName: 'ReleaseApproval',
        executionId: 'e-2',
        waitingSince: '2026-12-01T10:00:00.000Z',
        customData: 'Check the dashboard',
        externalEntityLink: 'https://example.com/review',
      },
    ]);
  });
});

describe('oneRowPerApproval', () => {
  const row = (profile: string, accountId: string | null, over: Partial<Approval> = {}): Approval => ({
    ref: { profile, region: 'us-east-1', name: 'web' },
    accountId,
    accountAlias: null,
    stageName: 'Deploy',
    actionName: 'ReleaseApproval',
    executionId: 'e-1',
    waitingSince: null,
    customData: null,
    externalEntityLink: null,
    production: true,
    productionWord: 'sandbox-prod',
    ...over,
  });

  it('keeps one row per approval of an account, the first profile that saw it', () => {
    const seen = [row('sandbox-prod', '333333333333'), row('prod-admin', '333333333333'), row('release-bot', '333333333333')];
    expect(oneRowPerApproval(seen).map((a) => a.ref.profile)).toEqual(['sandbox-prod']);
  });

  it('keeps apart what differs: another account, region, pipeline, stage, action or execution, or profiles not identified', () => {
    const base = row('a', '333333333333');
    const others = [
      row('b', '222222222222'),
      { ...base, ref: { ...base.ref, region: 'eu-west-1' } },
      { ...base, ref: { ...base.ref, name: 'api' } },
      row('a', '333333333333', { stageName: 'Prod' }),
      row('a', '333333333333', { actionName: 'SecondLook' }),
      row('a', '333333333333', { executionId: 'e-2' }),
      row('x', null),
      row('y', null),
    ];
    expect(oneRowPerApproval([base, ...others])).toHaveLength(1 + others.length);
  });
});
