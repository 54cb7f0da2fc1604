// @vitest-environment jsdom
// The live-updates card: modes per target with AWS's reason as text, the plan shown
// before anything is created, outcomes as they arrive, the test, and removal behind its plan.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createApiClient } from '../../../../shared/api/client';
import type { EventsPlanView, EventsTargetStatus, ResourceOutcome } from '../../../../shared/api/events';
import { setApi } from '../../api/current';
import { resetAllStores } from '../../store/reset';
import { fakeTransport } from '../../test-support/fake-transport';
import { subscribeAccountsEvents } from './accounts-actions';
import { useAccountsStore } from './accounts-store';
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
  id: 'member-rule:111111111111:us-east-1→111111111111:us-east-1',
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

    within(dialog).getByTestId('events-create').focus();
    fireEvent.click(within(dialog).getByTestId('events-create'));
    await waitFor(() => expect(within(dialog).getByTestId('events-setup-result').dataset.ok).toBe('true'));
    // Create went when done, and focus did not go with it: Close has it.
    expect(document.activeElement).toBe(within(dialog).getByTestId('events-setup-close'));
    expect(
      within(dialog)
        .getAllByTestId('events-outcome')
        .map((o) => o.dataset.outcome),
    ).toEqual(['created']);
    expect(f.calls).toContainEqual([
      'events.apply',
      { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }], hubProfile: 'sandbox-dev', resources: [rule.id], production: [] },
    ]);
    await waitFor(() => expect(screen.getByTestId('live-updates-mode').dataset.mode).toBe('event-driven'));

    // Escape closes the dialog.
    fireEvent.keyDown(within(dialog).getByTestId('events-setup-close'), { key: 'Escape' });
    expect(screen.queryByTestId('events-setup-dialog')).toBeNull();

    fireEvent.click(screen.getByTestId('live-updates-test'));
    await waitFor(() => expect(screen.getByTestId('live-updates-test-result').dataset.ok).toBe('true'));
    expect(screen.getByTestId('live-updates-test-result').textContent).toContain('42 ms');
    unsubscribe.forEach((u) => u());
  });

  it('exports the plan as CloudFormation for the chosen hub: both templates to save (two YAML files) or copy, nothing created', async () => {
    const f = fakeTransport({
      'events.status': () => ({ ok: true, result: { targets: [polled] } }),
      'events.plan': () => ({ ok: true, result: plan }),
      'events.template': () => ({ ok: true, result: { member: 'Resources:\n  MemberRule: {}\n', hub: 'Resources:\n  HubQueue: {}\n' } }),
    });
    setApi(createApiClient(f.transport));
    const saved: string[] = [];
    const blobs: Blob[] = [];
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), `blob:${blobs.length}`));
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    try {
      render(<LiveUpdatesCard />);
      fireEvent.click(await screen.findByTestId('live-updates-setup'));
      const dialog = await screen.findByTestId('events-setup-dialog');
      await within(dialog).findByTestId('events-plan-row');
      fireEvent.change(within(dialog).getByTestId('events-hub-region'), { target: { value: 'us-east-1' } });
      await within(dialog).findByTestId('events-plan-row');
      const exportButton = within(dialog).getByRole('button', { name: 'Export as CloudFormation' });
      fireEvent.click(exportButton);
      await waitFor(() => expect(within(dialog).getByTestId<HTMLTextAreaElement>('events-template-member').value).toContain('MemberRule'));
      expect(within(dialog).getByTestId<HTMLTextAreaElement>('events-template-hub').value).toContain('HubQueue');
      // The template is of the hub chosen, as the plan is.
      expect(f.calls).toContainEqual([
        'events.template',
        { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }], hubProfile: 'sandbox-dev', hubRegion: 'us-east-1' },
      ]);

      fireEvent.click(within(dialog).getByTestId('events-templates-save-both'));
      expect(saved).toEqual(['pipewright-events-member.yaml', 'pipewright-events-hub-111111111111.yaml']);
      expect(await Promise.all(blobs.map((b) => b.text()))).toEqual(['Resources:\n  MemberRule: {}\n', 'Resources:\n  HubQueue: {}\n']);
      expect(blobs.map((b) => b.type)).toEqual(['application/yaml', 'application/yaml']);

      fireEvent.click(within(dialog).getByTestId('events-template-hub-copy'));
      await waitFor(() => expect(within(dialog).getByTestId('events-template-hub-copied').textContent).toBe('Copied.'));
      expect(writeText).toHaveBeenCalledWith('Resources:\n  HubQueue: {}\n');

      // Another hub: the templates shown were not made for it.
      fireEvent.change(within(dialog).getByTestId('events-hub-region'), { target: { value: '' } });
      expect(within(dialog).queryByTestId('events-templates')).toBeNull();
      expect(f.calls.map(([m]) => m)).not.toContain('events.apply');
    } finally {
      createObjectURL.mockRestore();
      click.mockRestore();
      Reflect.deleteProperty(navigator, 'clipboard');
    }
  });

  it('says when the clipboard refuses the copy', async () => {
    const f = fakeTransport({
      'events.status': () => ({ ok: true, result: { targets: [polled] } }),
      'events.plan': () => ({ ok: true, result: plan }),
      'events.template': () => ({ ok: true, result: { member: 'm', hub: 'h' } }),
    });
    setApi(createApiClient(f.transport));
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('NotAllowedError')) }, configurable: true });
    try {
      render(<LiveUpdatesCard />);
      fireEvent.click(await screen.findByTestId('live-updates-setup'));
      const dialog = await screen.findByTestId('events-setup-dialog');
      await within(dialog).findByTestId('events-plan-row');
      fireEvent.click(within(dialog).getByTestId('events-export'));
      fireEvent.click(await within(dialog).findByTestId('events-template-member-copy'));
      await waitFor(() => expect(within(dialog).getByTestId('events-template-member-copied').textContent).toContain('Could not copy'));
    } finally {
      Reflect.deleteProperty(navigator, 'clipboard');
    }
  });

  it('lets the hub be picked (any workspace profile, each region its own hub or one for all), reads the plan again, and names the hub account', async () => {
    const staging: EventsTargetStatus = { ...polled, profile: 'sandbox-staging', accountId: '222222222222' };
    const f = fakeTransport({
      'events.status': () => ({ ok: true, result: { targets: [polled, staging] } }),
      'events.plan': (input) => {
        const i = input as { hubProfile: string; hubRegion?: string };
        const account = i.hubProfile === 'sandbox-staging' ? '222222222222' : '111111111111';
        const hubRegion = i.hubRegion ?? 'us-east-1';
        return {
          ok: true,
          result: {
            ...plan,
            hub: { profile: i.hubProfile, accountId: account },
            routes: [{ ...plan.routes[0], hubRegion }],
            resources: [
              { ...rule, id: `member-rule:111111111111:us-east-1→${account}:${hubRegion}` },
              { ...rule, id: `hub-bus:${account}:${hubRegion}`, kind: 'hub-bus', side: 'hub', account, region: hubRegion, profile: i.hubProfile },
            ],
          },
        };
      },
      'events.apply': (input) => ({ ok: true, result: { plan, outcomes: [], ok: !!input } }),
    });
    setApi(createApiClient(f.transport));
    // The workspace as Accounts & Settings read it: the hub may be any of its profiles, the hub region any of its regions.
    useAccountsStore.setState({
      accounts: {
        profiles: [],
        workspace: { profiles: ['sandbox-dev', 'sandbox-staging', 'sandbox-prod'], regions: ['us-east-1', 'eu-west-1'], isDefault: false },
      } as never,
    });
    render(<LiveUpdatesCard />);
    fireEvent.click((await screen.findAllByTestId('live-updates-setup'))[0]);
    const dialog = await screen.findByTestId('events-setup-dialog');
    await within(dialog).findAllByTestId('events-plan-row');
    // By default: the target's own account, each watched region its own hub.
    const hub = () => within(dialog).getByTestId('events-plan-hub');
    expect(hub().dataset.account).toBe('111111111111');
    expect(hub().textContent).toContain('sandbox-dev');
    const profileSelect = within(dialog).getByLabelText(/Hub profile/);
    const regionSelect = within(dialog).getByLabelText(/Hub region/);
    expect([...profileSelect.querySelectorAll('option')].map((o) => o.value)).toEqual(['sandbox-dev', 'sandbox-staging', 'sandbox-prod']);
    expect([...regionSelect.querySelectorAll('option')].map((o) => o.value)).toEqual(['', 'us-east-1', 'eu-west-1']);
    expect(f.calls.filter(([m]) => m === 'events.plan').at(-1)).toEqual([
      'events.plan',
      { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }], hubProfile: 'sandbox-dev' },
    ]);

    fireEvent.change(profileSelect, { target: { value: 'sandbox-staging' } });
    await waitFor(() => expect(hub().dataset.account).toBe('222222222222'));
    expect(hub().textContent).toContain('sandbox-staging');
    fireEvent.change(regionSelect, { target: { value: 'eu-west-1' } });
    await waitFor(() => expect(hub().dataset.regions).toBe('eu-west-1'));
    expect(within(dialog).getByTestId('events-plan-summary').textContent).toContain('Events of 111111111111 us-east-1 go to the hub in eu-west-1.');
    expect(f.calls.filter(([m]) => m === 'events.plan').at(-1)).toEqual([
      'events.plan',
      { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }], hubProfile: 'sandbox-staging', hubRegion: 'eu-west-1' },
    ]);

    // Create uses the choice the plan showed, and confirms the resources that plan named.
    fireEvent.click(within(dialog).getByTestId('events-create'));
    await within(dialog).findByTestId('events-setup-result');
    expect(f.calls.filter(([m]) => m === 'events.apply')).toEqual([
      [
        'events.apply',
        {
          targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }],
          hubProfile: 'sandbox-staging',
          hubRegion: 'eu-west-1',
          resources: ['member-rule:111111111111:us-east-1→222222222222:eu-west-1', 'hub-bus:222222222222:eu-west-1'],
          production: [],
        },
      ],
    ]);
    // Once created, the choice is no longer open.
    expect(within(dialog).getByTestId<HTMLFieldSetElement>('events-hub').disabled).toBe(true);
  });

  it('sets up all targets polled because nothing is set up in one go: one plan, progress per resource, and what failed per target', async () => {
    const devEu: EventsTargetStatus = { ...polled, region: 'eu-west-1', reason: 'not set up' };
    const prod: EventsTargetStatus = { ...polled, profile: 'sandbox-prod', accountId: '333333333333', reason: 'not set up' };
    const denied: EventsTargetStatus = { ...polled, profile: 'sandbox-staging', accountId: '222222222222', reason: 'not set up: the last setup failed: x' };
    const devUs: EventsTargetStatus = { ...polled, reason: 'not set up' };
    let statuses = [devUs, devEu, prod, denied, { ...driven, profile: 'sandbox-other', accountId: '444444444444' }];
    const memberRule = (account: string, region: string, profile: string) => ({
      ...rule,
      id: `member-rule:${account}:${region}→111111111111:${region}`,
      account,
      region,
      profile,
    });
    const resources = [
      memberRule('111111111111', 'us-east-1', 'sandbox-dev'),
      memberRule('111111111111', 'eu-west-1', 'sandbox-dev'),
      memberRule('333333333333', 'us-east-1', 'sandbox-prod'),
    ];
    const bulkPlan: EventsPlanView = {
      hub: { profile: 'sandbox-dev', accountId: '111111111111' },
      routes: [
        { profile: 'sandbox-dev', accountId: '111111111111', region: 'us-east-1', hubRegion: 'us-east-1' },
        { profile: 'sandbox-dev', accountId: '111111111111', region: 'eu-west-1', hubRegion: 'eu-west-1' },
        { profile: 'sandbox-prod', accountId: '333333333333', region: 'us-east-1', hubRegion: 'us-east-1' },
      ],
      resources,
      warnings: [],
      accounts: [
        { accountId: '111111111111', accountAlias: 'sandbox-dev', productionVerdict: 'not-production', productionWord: null },
        { accountId: '333333333333', accountAlias: 'sandbox-prod', productionVerdict: 'production', productionWord: 'sandbox-prod' },
      ],
    };
    const outcome = (r: (typeof resources)[number], o: ResourceOutcome['outcome'], message: string | null = null, awsCode: string | null = null) => ({
      id: r.id,
      kind: r.kind,
      profile: r.profile,
      account: r.account,
      region: r.region,
      name: r.name,
      outcome: o,
      message,
      awsCode,
    });
    let finish: () => void = () => {};
    const f = fakeTransport({
      'events.status': () => ({ ok: true, result: { targets: statuses } }),
      'events.plan': () => ({ ok: true, result: bulkPlan }),
      'events.apply': () => {
        f.emit('events.resource', outcome(resources[0], 'created'));
        return new Promise((resolve) => {
          finish = () => {
            const rest = [outcome(resources[1], 'created'), outcome(resources[2], 'failed', 'not permitted: no events:PutRule', 'AccessDeniedException')];
            rest.forEach((o) => f.emit('events.resource', o));
            statuses = [
              { ...driven },
              { ...driven, region: 'eu-west-1' },
              {
                ...prod,
                reason: 'not set up: the last setup failed: member-rule:333333333333:us-east-1→111111111111:us-east-1 failed: not permitted',
                awsCode: 'AccessDeniedException',
              },
              denied,
              statuses[4],
            ];
            resolve({ ok: true, result: { plan: bulkPlan, outcomes: [outcome(resources[0], 'created'), ...rest], ok: false } });
          };
        });
      },
    });
    const api = createApiClient(f.transport);
    setApi(api);
    const unsubscribe = subscribeAccountsEvents(api);
    render(<LiveUpdatesCard />);
    const setUpAll = await screen.findByTestId('live-updates-setup-all');
    // Only the three targets polled because nothing is set up: not the one whose last setup failed, not the event-driven one.
    expect(setUpAll.textContent).toContain('(3)');
    setUpAll.focus();
    fireEvent.click(setUpAll);
    const dialog = await screen.findByTestId('events-setup-dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Set up live updates for 3 targets');
    expect(within(dialog).getByTestId('events-setup-targets').textContent).toContain('sandbox-dev us-east-1, sandbox-dev eu-west-1, sandbox-prod us-east-1');
    await within(dialog).findAllByTestId('events-plan-row');
    // One input with several targets, each profile once.
    expect(f.calls.filter(([m]) => m === 'events.plan')).toEqual([
      [
        'events.plan',
        {
          targets: [
            { profile: 'sandbox-dev', regions: ['us-east-1', 'eu-west-1'] },
            { profile: 'sandbox-prod', regions: ['us-east-1'] },
          ],
          hubProfile: 'sandbox-dev',
        },
      ],
    ]);
    expect(f.calls.map(([m]) => m)).not.toContain('events.apply');

    // sandbox-prod is production: Create waits for its word.
    expect(within(dialog).getByTestId<HTMLButtonElement>('events-create').disabled).toBe(true);
    fireEvent.change(within(dialog).getByTestId('events-setup-prod-333333333333'), { target: { value: 'sandbox-prod' } });
    fireEvent.click(within(dialog).getByTestId('events-create'));
    expect(f.calls.find(([m]) => m === 'events.apply')?.[1]).toMatchObject({ resources: resources.map((r) => r.id), production: ['sandbox-prod'] });
    // While it runs: each resource's progress as its event comes.
    await waitFor(() => expect(within(dialog).getByTestId('events-setup-progress').dataset.done).toBe('1'));
    expect(within(dialog).getByTestId('events-setup-progress').textContent).toContain('1 of 3 resources');
    expect(
      within(dialog)
        .getAllByTestId('events-plan-row')
        .map((r) => r.dataset.outcome),
    ).toEqual(['created', 'pending', 'pending']);

    finish();
    await waitFor(() => expect(within(dialog).getByTestId('events-setup-result').dataset.ok).toBe('false'));
    expect(within(dialog).getByTestId('events-setup-progress').textContent).toContain('3 of 3 resources, 1 not created');
    expect(
      within(dialog)
        .getAllByTestId('events-plan-row')
        .map((r) => r.dataset.outcome),
    ).toEqual(['created', 'created', 'failed']);
    // What failed, per target, with AWS's reason.
    await waitFor(() => expect(within(dialog).getByTestId('events-setup-summary').dataset.failed).toBe('1'));
    const failures = within(dialog).getAllByTestId('events-setup-failure');
    expect(failures.map((x) => `${x.dataset.profile} ${x.dataset.region}`)).toEqual(['sandbox-prod us-east-1']);
    expect(failures[0].textContent).toContain('not permitted');
    expect(failures[0].textContent).toContain('AccessDeniedException');
    expect(within(dialog).getByTestId('events-setup-summary').textContent).toContain('2 of 3 targets are event-driven');

    // The button that opened it went away with what it set up: focus goes to the card, not nowhere.
    // (The failed target's reason is now its last setup's failure: it is left to its own row.)
    await waitFor(() => expect(screen.queryByTestId('live-updates-setup-all')).toBeNull());
    fireEvent.click(within(dialog).getByTestId('events-setup-close'));
    expect(screen.queryByTestId('events-setup-dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Live updates' }));
    unsubscribe.forEach((u) => u());
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
    const prodRule = { ...rule, id: 'member-rule:333333333333:us-east-1→333333333333:us-east-1', account: '333333333333', profile: 'sandbox-prod' };
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
