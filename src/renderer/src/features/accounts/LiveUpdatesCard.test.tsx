// @vitest-environment jsdom
// The live-updates card: modes per target with AWS's reason as text, the plan shown
// before anything is created, outcomes as they arrive, the test, and removal behind its plan.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createApiClient } from '../../../../shared/api/client';
import type { EventsPlanView, EventsTargetStatus, ResourceOutcome } from '../../../../shared/api/events';
import { setApi } from '../../api/current';
import { resetAllStores } from '../../store/reset';
import { fakeTransport } from '../../test-support/fake-transport';
import { subscribeAccountsEvents } from './accounts-actions';
import { LiveUpdatesCard } from './LiveUpdatesCard';

const polled: EventsTargetStatus = {
  profile: 'sandbox-dev',
  accountId: '111111111111',
  region: 'us-east-1',
  mode: 'polled',
  reason: '<b>not set up</b>: no rule pipewright-events',
  awsCode: null,
  hub: null,
  lastEventAt: null,
  verified: true,
};
const driven: EventsTargetStatus = { ...polled, mode: 'event-driven', reason: null, hub: { accountId: '111111111111', region: 'us-east-1', queueUrl: 'q' } };
const rule = {
  id: 'member-rule:111111111111:us-east-1',
  kind: 'member-rule' as const,
  side: 'member' as const,
  profile: 'sandbox-dev',
  account: '111111111111',
  region: 'us-east-1',
  name: 'pipewright-events',
  arn: 'arn:aws:events:us-east-1:111111111111:rule/pipewright-events',
  summary: 'EventBridge rule matching aws.codepipeline events',
};
const plan: EventsPlanView = {
  hub: { profile: 'sandbox-dev', accountId: '111111111111' },
  routes: [{ profile: 'sandbox-dev', accountId: '111111111111', region: 'us-east-1', hubRegion: 'us-east-1' }],
  resources: [rule],
  warnings: [],
  accounts: [{ accountId: '111111111111', accountAlias: 'sandbox-dev', productionVerdict: 'not-production', productionWord: null }],
};
const created: ResourceOutcome = { ...rule, outcome: 'created', message: null, awsCode: null };

beforeEach(resetAllStores);
afterEach(cleanup);

describe('LiveUpdatesCard', () => {
  it('shows the plan before creating, the outcomes as they come, then the row event-driven; the test result', async () => {
    let status = polled;
    const f = fakeTransport({
      'events.status': () => ({ ok: true, result: { targets: [status] } }),
      'events.plan': () => ({ ok: true, result: plan }),
      'events.apply': () => {
        f.emit('events.resource', created);
        status = driven;
        return { ok: true, result: { plan, outcomes: [created], ok: true } };
      },
      'events.test': () => ({
        ok: true,
        result: { ok: true, profile: 'sandbox-dev', region: 'us-east-1', eventId: 'e1', queueUrl: 'q', elapsedMs: 42, message: 'received', awsCode: null },
      }),
    });
    const api = createApiClient(f.transport);
    setApi(api);
    const unsubscribe = subscribeAccountsEvents(api);
    render(<LiveUpdatesCard />);
    const mode = await screen.findByTestId('live-updates-mode');
    expect(mode.dataset.mode).toBe('polled');
    // AWS's words are text: the markup in the reason is shown, not interpreted.
    expect(screen.getByTestId('live-updates-reason').textContent).toContain('<b>not set up</b>');
    expect(screen.getByTestId('live-updates-reason').querySelector('b')).toBeNull();

    fireEvent.click(screen.getByTestId('live-updates-setup'));
    const dialog = await screen.findByTestId('events-setup-dialog');
    await within(dialog).findByTestId('events-plan-row');
    expect(within(dialog).getByTestId('events-plan').textContent).toContain('pipewright-events');
    expect(f.calls.map(([m]) => m)).not.toContain('events.apply');
    // Focus starts on Cancel, in the dialog.
    expect(document.activeElement).toBe(within(dialog).getByTestId('events-setup-close'));

    fireEvent.click(within(dialog).getByTestId('events-create'));
    await waitFor(() => expect(within(dialog).getByTestId('events-setup-result').dataset.ok).toBe('true'));
    expect(
      within(dialog)
        .getAllByTestId('events-outcome')
        .map((o) => o.dataset.outcome),
    ).toEqual(['created']);
    expect(f.calls).toContainEqual(['events.apply', { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }], resources: [rule.id], production: [] }]);
    await waitFor(() => expect(screen.getByTestId('live-updates-mode').dataset.mode).toBe('event-driven'));

    // Escape closes the dialog.
    fireEvent.keyDown(within(dialog).getByTestId('events-setup-close'), { key: 'Escape' });
    expect(screen.queryByTestId('events-setup-dialog')).toBeNull();

    fireEvent.click(screen.getByTestId('live-updates-test'));
    await waitFor(() => expect(screen.getByTestId('live-updates-test-result').dataset.ok).toBe('true'));
    expect(screen.getByTestId('live-updates-test-result').textContent).toContain('42 ms');
    unsubscribe.forEach((u) => u());
  });

  it('exports the template without creating anything', async () => {
    const f = fakeTransport({
      'events.status': () => ({ ok: true, result: { targets: [polled] } }),
      'events.plan': () => ({ ok: true, result: plan }),
      'events.template': () => ({ ok: true, result: { member: 'Resources:\n  MemberRule: {}\n', hub: 'Resources:\n  HubQueue: {}\n' } }),
    });
    setApi(createApiClient(f.transport));
    render(<LiveUpdatesCard />);
    fireEvent.click(await screen.findByTestId('live-updates-setup'));
    const dialog = await screen.findByTestId('events-setup-dialog');
    await within(dialog).findByTestId('events-plan-row');
    fireEvent.click(within(dialog).getByTestId('events-export'));
    await waitFor(() => expect(within(dialog).getByTestId<HTMLTextAreaElement>('events-template-member').value).toContain('MemberRule'));
    expect(within(dialog).getByTestId<HTMLTextAreaElement>('events-template-hub').value).toContain('HubQueue');
    expect(f.calls.map(([m]) => m)).not.toContain('events.apply');
  });

  it('removes only after showing what it deletes and what it keeps', async () => {
    let status = driven;
    const f = fakeTransport({
      'events.status': () => ({ ok: true, result: { targets: [status] } }),
      'events.removePlan': () => ({
        ok: true,
        result: {
          remove: [rule],
          keep: [{ ...rule, id: 'other', name: 'someone-elses-rule', why: 'not tagged pipewright:events' }],
          unreadable: [],
          accounts: plan.accounts,
        },
      }),
      'events.remove': () => {
        status = polled;
        return { ok: true, result: { outcomes: [{ ...created, outcome: 'deleted' }], ok: true } };
      },
    });
    setApi(createApiClient(f.transport));
    render(<LiveUpdatesCard />);
    fireEvent.click(await screen.findByTestId('live-updates-remove'));
    const dialog = await screen.findByTestId('events-remove-dialog');
    await within(dialog).findByTestId('events-remove-row');
    expect(within(dialog).getByTestId('events-keep').textContent).toContain('not tagged pipewright:events');
    expect(f.calls.map(([m]) => m)).not.toContain('events.remove');
    fireEvent.click(within(dialog).getByTestId('events-remove-confirm'));
    await waitFor(() => expect(within(dialog).getByTestId('events-remove-result').dataset.ok).toBe('true'));
    expect(f.calls).toContainEqual([
      'events.remove',
      { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }], confirmed: true, resources: [rule.id], production: [] },
    ]);
    await waitFor(() => expect(screen.getByTestId('live-updates-mode').dataset.mode).toBe('polled'));
  });

  it('in a production account, removing waits for its word, and sends it with the ids shown', async () => {
    const prodRule = { ...rule, id: 'member-rule:333333333333:us-east-1', account: '333333333333', profile: 'sandbox-prod' };
    const f = fakeTransport({
      'events.status': () => ({ ok: true, result: { targets: [driven] } }),
      'events.removePlan': () => ({
        ok: true,
        result: {
          remove: [prodRule],
          keep: [],
          unreadable: [],
          accounts: [{ accountId: '333333333333', accountAlias: null, productionVerdict: 'production', productionWord: 'sandbox-prod' }],
        },
      }),
      'events.remove': () => ({ ok: true, result: { outcomes: [], ok: true } }),
    });
    setApi(createApiClient(f.transport));
    render(<LiveUpdatesCard />);
    fireEvent.click(await screen.findByTestId('live-updates-remove'));
    const dialog = await screen.findByTestId('events-remove-dialog');
    await within(dialog).findByTestId('events-remove-row');
    const confirmButton = within(dialog).getByTestId<HTMLButtonElement>('events-remove-confirm');
    expect(confirmButton.disabled).toBe(true);
    fireEvent.change(within(dialog).getByTestId('events-remove-prod-333333333333'), { target: { value: 'sandbox-pro' } });
    expect(confirmButton.disabled).toBe(true);
    fireEvent.change(within(dialog).getByTestId('events-remove-prod-333333333333'), { target: { value: 'sandbox-prod' } });
    expect(confirmButton.disabled).toBe(false);
    fireEvent.click(confirmButton);
    await waitFor(() => expect(within(dialog).getByTestId('events-remove-result').dataset.ok).toBe('true'));
    expect(f.calls).toContainEqual([
      'events.remove',
      { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }], confirmed: true, resources: [prodRule.id], production: ['sandbox-prod'] },
    ]);
  });
});
