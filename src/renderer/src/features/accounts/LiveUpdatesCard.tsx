// Live updates (issue 24): per watched account and region, whether changes arrive as
// CodePipeline's events or by polling, and why. Setting up and removing always show
// what will be created or deleted, in which account and region, before anything is done.
// Everything AWS says (reasons, messages, names) is rendered as text, never as markup.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AccountConfirmationView } from '../../../../shared/api/artifacts';
import type { EventsPlanView, EventsRemovePlan, EventsSetupInput, EventsTargetStatus, ResourceOutcome } from '../../../../shared/api/events';
import { DangerDialog, Modal, ProductionWordInput } from '../../lib/DangerDialog';
import { downloadText } from '../../lib/download';
import {
  applyLiveUpdates,
  liveUpdatesKey,
  liveUpdatesTemplates,
  loadLiveUpdates,
  planLiveUpdates,
  planLiveUpdatesRemoval,
  removeLiveUpdates,
  testLiveUpdates,
} from './accounts-actions';
import { useAccountsStore } from './accounts-store';
import { hubProfileChoices, hubRegionChoices, notSetUpTargets, progressOf, setupInputOf, type LiveUpdatesTarget } from './live-updates-model';

type Target = LiveUpdatesTarget;
/** The setup takes one target (a row's) or several ("Set up all polled targets"), as they were when it opened. */
type Open = { kind: 'setup'; targets: Target[] } | { kind: 'remove'; target: Target } | null;

const MODE_LABEL = { 'event-driven': 'event-driven', polled: 'polled', degraded: 'degraded' } as const;

export function LiveUpdatesCard() {
  const targets = useAccountsStore((s) => s.liveUpdates);
  const tests = useAccountsStore((s) => s.liveUpdatesTests);
  const [open, setOpen] = useState<Open>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const wasOpen = useRef(false);
  useEffect(() => {
    void loadLiveUpdates();
  }, []);
  // The dialog gives focus back to the button that opened it; when that button went with the
  // setup (the row is event-driven now, nothing is left to set up), the card's heading takes it.
  useEffect(() => {
    if (open) wasOpen.current = true;
    else if (wasOpen.current && (!document.activeElement || document.activeElement === document.body)) heading.current?.focus();
  }, [open]);
  const show = (kind: 'setup' | 'remove', target: Target) => setOpen(kind === 'setup' ? { kind, targets: [target] } : { kind, target });
  const close = () => setOpen(null);
  const notSetUp = useMemo(() => notSetUpTargets(targets ?? []), [targets]);
  return (
    <section className="card" aria-labelledby="live-updates-h" data-testid="live-updates-card">
      <h2 id="live-updates-h" tabIndex={-1} ref={heading}>
        Live updates
      </h2>
      <p className="muted small">
        With live updates, CodePipeline&apos;s own events reach Pipewright through EventBridge and an SQS queue, and pipelines are no longer probed: polling
        only reconciles. Without them, each target is polled as before.
      </p>
      {notSetUp.length > 0 && (
        <div className="row">
          <button type="button" className="button" data-testid="live-updates-setup-all" onClick={() => setOpen({ kind: 'setup', targets: notSetUp })}>
            Set up all polled targets ({notSetUp.length})…
          </button>
        </div>
      )}
      {!targets ? (
        <p className="muted">Reading the live-updates status…</p>
      ) : targets.length === 0 ? (
        <p className="muted" data-testid="live-updates-empty">
          No account and region is watched: pick some in the workspace.
        </p>
      ) : (
        <table className="table" data-testid="live-updates-table">
          <caption className="sr-only">Live updates per account and region</caption>
          <thead>
            <tr>
              <th>Profile</th>
              <th>Account</th>
              <th>Region</th>
              <th>Mode</th>
              <th>Last event</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {targets.map((t) => (
              <TargetRow key={liveUpdatesKey(t.profile, t.region)} status={t} test={tests[liveUpdatesKey(t.profile, t.region)]} onOpen={show} />
            ))}
          </tbody>
        </table>
      )}
      {open?.kind === 'setup' && <SetupDialog targets={open.targets} onClose={close} />}
      {open?.kind === 'remove' && <RemoveDialog target={open.target} onClose={close} />}
    </section>
  );
}

function TargetRow({
  status: t,
  test,
  onOpen,
}: {
  status: EventsTargetStatus;
  test: ReturnType<typeof useAccountsStore.getState>['liveUpdatesTests'][string] | undefined;
  onOpen: (kind: 'setup' | 'remove', target: Target) => void;
}) {
  const target = { profile: t.profile, region: t.region };
  const where = `${t.profile} ${t.region}`;
  return (
    <tr data-testid="live-updates-row" data-profile={t.profile} data-region={t.region}>
      <td>{t.profile}</td>
      <td>
        <code>{t.accountId ?? '?'}</code>
      </td>
      <td>{t.region}</td>
      <td>
        <span className={`badge mode-${t.mode}`} data-testid="live-updates-mode" data-mode={t.mode}>
          {MODE_LABEL[t.mode]}
        </span>
        {t.reason && (
          <span className="muted small" data-testid="live-updates-reason">
            {' '}
            {t.reason}
            {t.awsCode && ` (${t.awsCode})`}
          </span>
        )}
        {test && (
          <div className="small" data-testid="live-updates-test-result" data-ok={test === 'running' ? undefined : String(test.ok)} aria-live="polite">
            {test === 'running'
              ? 'Testing…'
              : `${test.ok ? 'Test passed' : 'Test failed'}: ${test.message}${test.elapsedMs !== null ? ` (${test.elapsedMs} ms)` : ''}${test.awsCode ? ` (${test.awsCode})` : ''}`}
          </div>
        )}
      </td>
      <td>{t.lastEventAt ? new Date(t.lastEventAt).toLocaleString() : '—'}</td>
      <td>
        <div className="row">
          {t.mode !== 'event-driven' && (
            <button
              type="button"
              className="button"
              data-testid="live-updates-setup"
              aria-label={`Set up live updates for ${where}`}
              onClick={() => onOpen('setup', target)}
            >
              Set up…
            </button>
          )}
          <button
            type="button"
            className="button secondary"
            data-testid="live-updates-test"
            aria-label={`Test live updates for ${where}`}
            disabled={test === 'running'}
            onClick={() => void testLiveUpdates(t.profile, t.region)}
          >
            Test
          </button>
          {(t.mode !== 'polled' || t.hub) && (
            <button
              type="button"
              className="button secondary"
              data-testid="live-updates-remove"
              aria-label={`Remove live updates for ${where}`}
              onClick={() => onOpen('remove', target)}
            >
              Remove…
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

function ResourcesTable({
  resources,
  testId,
  outcomes,
}: {
  resources: Array<EventsPlanView['resources'][number] & { why?: string }>;
  testId: string;
  /** While the setup creates them: each resource's outcome so far (by id), shown in its row. */
  outcomes?: ReadonlyMap<string, ResourceOutcome>;
}) {
  return (
    <table className="table small" data-testid={testId}>
      <thead>
        <tr>
          <th>What</th>
          <th>Account</th>
          <th>Region</th>
          <th>Name</th>
          {outcomes && <th>Progress</th>}
        </tr>
      </thead>
      <tbody>
        {resources.map((r) => {
          const o = outcomes?.get(r.id);
          return (
            <tr
              key={r.id}
              data-testid={`${testId}-row`}
              data-kind={r.kind}
              data-account={r.account}
              data-region={r.region}
              data-outcome={outcomes ? (o?.outcome ?? 'pending') : undefined}
            >
              <td>
                {r.summary}
                {r.why && <span className="muted"> — kept: {r.why}</span>}
              </td>
              <td>
                <code>{r.account}</code> ({r.profile})
              </td>
              <td>{r.region}</td>
              <td>
                <code>{r.name}</code>
              </td>
              {outcomes && <td>{o ? o.outcome : <span className="muted">waiting</span>}</td>}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Outcomes({ outcomes }: { outcomes: ResourceOutcome[] }) {
  if (!outcomes.length) return null;
  return (
    <ul className="small" data-testid="events-outcomes" aria-live="polite">
      {outcomes.map((o) => (
        <li key={o.id} data-testid="events-outcome" data-outcome={o.outcome}>
          <strong>{o.outcome}</strong> {o.kind} <code>{o.name}</code> in {o.account} {o.region}
          {o.message && `: ${o.message}`}
          {o.awsCode && ` (${o.awsCode})`}
        </li>
      ))}
    </ul>
  );
}

/**
 * Each production (or unknown) account of a plan, its word to type (the main process
 * named it, and checks it again when acting). Typed words are kept by account id.
 */
function ProductionWords({
  accounts,
  typed,
  onType,
  testId,
}: {
  accounts: readonly AccountConfirmationView[];
  typed: Record<string, string>;
  onType: (accountId: string, value: string) => void;
  testId: string;
}) {
  return (
    <>
      {accounts
        .filter((a) => a.productionWord)
        .map((a) => (
          <ProductionWordInput
            key={a.accountId}
            word={a.productionWord!}
            unknown={a.productionVerdict === 'unknown'}
            value={typed[a.accountId] ?? ''}
            onChange={(v) => onType(a.accountId, v)}
            testId={`${testId}-${a.accountId}`}
          />
        ))}
    </>
  );
}

/** Every production word typed as named; the words to send. */
function productionTyped(accounts: readonly AccountConfirmationView[] | undefined, typed: Record<string, string>): { complete: boolean; words: string[] } {
  const needed = (accounts ?? []).filter((a) => a.productionWord);
  return { complete: needed.every((a) => typed[a.accountId]?.trim() === a.productionWord), words: needed.map((a) => (typed[a.accountId] ?? '').trim()) };
}

const EACH_REGION = '';

/**
 * The setup of one target or several: the hub first (which account and region receive the
 * events), the plan for that choice (read again whenever the choice changes; nothing is
 * created), then Create, with each resource's outcome as it comes and, at the end, what
 * each target now is; or the same as CloudFormation.
 */
function SetupDialog({ targets, onClose }: { targets: Target[]; onClose: () => void }) {
  const statuses = useAccountsStore((s) => s.liveUpdates);
  const workspace = useAccountsStore((s) => s.accounts?.workspace);
  const outcomes = useAccountsStore((s) => s.liveUpdatesOutcomes);
  const [typed, setTyped] = useState<Record<string, string>>({});
  // By default the hub is the (first) target's own account, and each watched region its own hub region.
  const [hubProfile, setHubProfile] = useState(targets[0].profile);
  const [hubRegion, setHubRegion] = useState(EACH_REGION);
  const input = useMemo(() => setupInputOf(targets, { profile: hubProfile, region: hubRegion || undefined }), [targets, hubProfile, hubRegion]);
  // Each plan (and template) kept with the choice it was made for: one made for the hub chosen before is not shown for this one.
  const [planned, setPlanned] = useState<{ input: EventsSetupInput; plan: EventsPlanView | undefined } | null>(null);
  const plan = planned?.input === input ? planned.plan : null;
  const [phase, setPhase] = useState<'plan' | 'creating' | 'done'>('plan');
  const [ok, setOk] = useState<boolean | undefined>();
  const [exported, setExported] = useState<{ input: EventsSetupInput; templates: { member: string; hub: string } } | null>(null);
  const templates = exported?.input === input ? exported.templates : null;
  const words = productionTyped(plan?.accounts, typed);
  const profileChoices = hubProfileChoices(targets, workspace?.profiles ?? [], statuses ?? []);
  const regionChoices = hubRegionChoices(targets, workspace?.regions ?? [], statuses ?? []);
  useEffect(() => {
    let live = true;
    void planLiveUpdates(input).then((plan) => live && setPlanned({ input, plan }));
    return () => {
      live = false;
    };
  }, [input]);
  const closeButton = useRef<HTMLButtonElement>(null);
  const create = async () => {
    if (!plan) return;
    setPhase('creating');
    // What this dialog showed is what is confirmed: the main process creates nothing else.
    setOk(
      await applyLiveUpdates(
        input,
        plan.resources.map((r) => r.id),
        words.words,
      ),
    );
    setPhase('done');
  };
  // Create goes once it is done, and focus with it: Close takes it, next to the result it follows.
  useEffect(() => {
    if (phase === 'done' && (!document.activeElement || document.activeElement === document.body)) closeButton.current?.focus();
  }, [phase]);
  const exportTemplates = async () => {
    const t = await liveUpdatesTemplates(input);
    if (t) setExported({ input, templates: t });
  };
  const byId = useMemo(() => new Map(outcomes.map((o) => [o.id, o])), [outcomes]);
  const progress = plan ? progressOf(plan, outcomes) : null;
  const hubRegions = plan ? [...new Set(plan.routes.map((r) => r.hubRegion))] : [];
  const title =
    targets.length === 1 ? `Set up live updates for ${targets[0].profile} ${targets[0].region}` : `Set up live updates for ${targets.length} targets`;
  return (
    <Modal title={title} testId="events-setup-dialog" className="events-setup" onClose={onClose}>
      {targets.length > 1 && (
        <p data-testid="events-setup-targets">For the targets polled because nothing is set up: {targets.map((t) => `${t.profile} ${t.region}`).join(', ')}.</p>
      )}
      <fieldset className="row" disabled={phase !== 'plan'} data-testid="events-hub">
        <legend>Hub: the account and region that receive the events, in their queue</legend>
        <label>
          Hub profile{' '}
          <select value={hubProfile} onChange={(e) => setHubProfile(e.target.value)} data-testid="events-hub-profile">
            {profileChoices.map((p) => (
              <option key={p} value={p}>
                {p}
                {targets.some((t) => t.profile === p) ? ' (a watched target)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Hub region{' '}
          <select value={hubRegion} onChange={(e) => setHubRegion(e.target.value)} data-testid="events-hub-region">
            <option value={EACH_REGION}>Each watched region is its own hub</option>
            {regionChoices.map((r) => (
              <option key={r} value={r}>
                One hub for all: {r}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      {plan === null && <p className="muted">Reading what exists…</p>}
      {plan === undefined && <p role="alert">The plan could not be made: nothing was created.</p>}
      {plan && (
        <>
          <p data-testid="events-plan-summary">
            <span data-testid="events-plan-hub" data-account={plan.hub.accountId} data-profile={plan.hub.profile} data-regions={hubRegions.join(' ')}>
              Hub: account <code>{plan.hub.accountId}</code> (profile {plan.hub.profile}), whose event bus and queue in {hubRegions.join(', ')} receive the
              events.
            </span>{' '}
            {plan.routes.map((r) => `Events of ${r.accountId} ${r.region} go to the hub in ${r.hubRegion}.`).join(' ')} Nothing is created until you choose
            Create.
          </p>
          {plan.warnings.map((w) => (
            <p key={w} className="banner banner-warning" data-testid="events-plan-warning">
              {w}
            </p>
          ))}
          <ResourcesTable resources={plan.resources} testId="events-plan" outcomes={phase === 'plan' ? undefined : byId} />
          {phase === 'plan' && (
            <ProductionWords accounts={plan.accounts} typed={typed} onType={(id, v) => setTyped((t) => ({ ...t, [id]: v }))} testId="events-setup-prod" />
          )}
        </>
      )}
      {phase !== 'plan' && progress && (
        <p className="small" data-testid="events-setup-progress" data-done={progress.done} data-total={progress.total}>
          <progress value={progress.done} max={progress.total} aria-label="Resources done" /> {progress.done} of {progress.total} resources
          {progress.failed > 0 && `, ${progress.failed} not created`}
        </p>
      )}
      {phase !== 'plan' && <Outcomes outcomes={outcomes} />}
      {phase === 'done' && (
        <>
          <p role="status" data-testid="events-setup-result" data-ok={String(ok === true)}>
            {ok ? 'Live updates are set up.' : 'Not everything was created: see above; running the setup again resumes from there.'}
          </p>
          <SetupSummary targets={targets} statuses={statuses ?? []} />
        </>
      )}
      {templates && (
        <div data-testid="events-templates">
          <p className="small">
            Deploy the member template with a StackSet to every watched account and region, and the hub template to the hub account in each hub region.
          </p>
          <TemplateBox label="Member accounts (StackSet)" fileName="pipewright-events-member.yaml" text={templates.member} testId="events-template-member" />
          <TemplateBox
            label="Hub account"
            fileName={`pipewright-events-hub-${plan?.hub.accountId ?? hubProfile}.yaml`}
            text={templates.hub}
            testId="events-template-hub"
          />
          <button
            type="button"
            className="button secondary"
            data-testid="events-templates-save-both"
            onClick={() => {
              downloadText('pipewright-events-member.yaml', templates.member, 'application/yaml');
              downloadText(`pipewright-events-hub-${plan?.hub.accountId ?? hubProfile}.yaml`, templates.hub, 'application/yaml');
            }}
          >
            Save both…
          </button>
        </div>
      )}
      <div className="row">
        {phase !== 'done' && (
          <button
            type="button"
            className="button"
            disabled={!plan || phase !== 'plan' || !words.complete}
            onClick={() => void create()}
            data-testid="events-create"
          >
            {phase === 'creating' ? 'Creating…' : 'Create'}
          </button>
        )}
        <button type="button" className="button secondary" disabled={!plan} onClick={() => void exportTemplates()} data-testid="events-export">
          Export as CloudFormation
        </button>
        {/* First in focus: Enter on opening closes rather than creates. */}
        <button type="button" className="link" autoFocus ref={closeButton} onClick={onClose} data-testid="events-setup-close">
          {phase === 'done' ? 'Close' : 'Cancel'}
        </button>
      </div>
    </Modal>
  );
}

/** After Create: what each target of the setup now is, from the status read again (the main process's word, with AWS's reason). */
function SetupSummary({ targets, statuses }: { targets: Target[]; statuses: EventsTargetStatus[] }) {
  const rows = targets.map((t) => ({ ...t, status: statuses.find((s) => s.profile === t.profile && s.region === t.region) }));
  const failed = rows.filter((r) => r.status?.mode !== 'event-driven');
  return (
    <div data-testid="events-setup-summary" data-failed={failed.length}>
      <p>
        {failed.length === 0
          ? `${rows.length === 1 ? 'The target is' : `All ${rows.length} targets are`} event-driven.`
          : `${rows.length - failed.length} of ${rows.length} targets are event-driven; not set up:`}
      </p>
      {failed.length > 0 && (
        <ul className="small">
          {failed.map((r) => (
            <li key={liveUpdatesKey(r.profile, r.region)} data-testid="events-setup-failure" data-profile={r.profile} data-region={r.region}>
              <strong>
                {r.profile} {r.region}
              </strong>
              :{' '}
              {r.status
                ? `${MODE_LABEL[r.status.mode]}, ${r.status.reason ?? ''}${r.status.awsCode ? ` (${r.status.awsCode})` : ''}`
                : 'its status could not be read'}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TemplateBox({ label, fileName, text, testId }: { label: string; fileName: string; text: string; testId: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      // No clipboard (a page not allowed it): the text is still there to select, or to save.
      setCopied('no');
    }
  };
  return (
    <div className="field">
      <span>{label}</span>
      <textarea readOnly rows={8} className="wide" value={text} aria-label={`${label} template`} data-testid={testId} />
      <div className="row">
        <button type="button" className="button secondary" onClick={() => downloadText(fileName, text, 'application/yaml')} data-testid={`${testId}-save`}>
          Save {fileName}…
        </button>
        <button type="button" className="button secondary" onClick={() => void copy()} data-testid={`${testId}-copy`}>
          Copy
        </button>
        <span className="small muted" role="status" data-testid={`${testId}-copied`}>
          {copied === 'yes' ? 'Copied.' : copied === 'no' ? 'Could not copy: select the text and copy it, or save it.' : ''}
        </span>
      </div>
    </div>
  );
}

function RemoveDialog({ target, onClose }: { target: Target; onClose: () => void }) {
  const [plan, setPlan] = useState<EventsRemovePlan | null | undefined>(null);
  const [phase, setPhase] = useState<'plan' | 'removing' | 'done'>('plan');
  const [ok, setOk] = useState<boolean | undefined>();
  const [typed, setTyped] = useState<Record<string, string>>({});
  const words = productionTyped(plan?.accounts, typed);
  const outcomes = useAccountsStore((s) => s.liveUpdatesOutcomes);
  const focusStart = useRef<HTMLSpanElement>(null);
  useEffect(() => focusStart.current?.focus(), []);
  useEffect(() => {
    let live = true;
    void planLiveUpdatesRemoval(target.profile, target.region).then((p) => live && setPlan(p));
    return () => {
      live = false;
    };
  }, [target.profile, target.region]);
  const remove = async () => {
    if (!plan) return;
    setPhase('removing');
    setOk(
      await removeLiveUpdates(
        target.profile,
        target.region,
        plan.remove.map((r) => r.id),
        words.words,
      ),
    );
    setPhase('done');
  };
  return (
    <DangerDialog
      title={`Remove live updates for ${target.profile} ${target.region}?`}
      testId="events-remove-dialog"
      confirmLabel={phase === 'removing' ? 'Removing…' : 'Remove'}
      confirmTestId="events-remove-confirm"
      canConfirm={phase === 'plan' && !!plan && plan.remove.length > 0 && words.complete}
      onConfirm={() => void remove()}
      onClose={onClose}
    >
      {plan === null && <p className="muted">Reading what the setup created…</p>}
      {plan === undefined && <p role="alert">What to remove could not be read: nothing was deleted.</p>}
      {plan && (
        <>
          <p>
            {plan.remove.length ? `These ${plan.remove.length} resources, created by the setup, are deleted:` : 'The setup created nothing here to delete.'} The
            target is polled again afterwards.
          </p>
          {plan.remove.length > 0 && <ResourcesTable resources={plan.remove} testId="events-remove" />}
          {plan.remove.length > 0 && phase === 'plan' && (
            <ProductionWords accounts={plan.accounts} typed={typed} onType={(id, v) => setTyped((t) => ({ ...t, [id]: v }))} testId="events-remove-prod" />
          )}
          {plan.keep.length > 0 && (
            <>
              <p>Kept:</p>
              <ResourcesTable resources={plan.keep} testId="events-keep" />
            </>
          )}
          {plan.unreadable.length > 0 && (
            <>
              <p role="alert">These could not be read, so nothing is concluded about them:</p>
              <Outcomes outcomes={plan.unreadable} />
            </>
          )}
        </>
      )}
      {phase !== 'plan' && <Outcomes outcomes={outcomes} />}
      {phase === 'done' && (
        <p role="status" data-testid="events-remove-result" data-ok={String(ok === true)}>
          {ok ? 'Live updates are removed.' : 'Not everything was removed: see above.'}
        </p>
      )}
      {/* Focus starts in the dialog (so Escape closes it), away from the danger button. */}
      <span tabIndex={-1} ref={focusStart} />
    </DangerDialog>
  );
}
