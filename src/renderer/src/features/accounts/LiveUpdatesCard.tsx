// Live updates (issue 24): per watched account and region, whether changes arrive as
// CodePipeline's events or by polling, and why. Setting up and removing always show
// what will be created or deleted, in which account and region, before anything is done.
// Everything AWS says (reasons, messages, names) is rendered as text, never as markup.
import { useEffect, useRef, useState } from 'react';
import type { AccountConfirmationView } from '../../../../shared/api/artifacts';
import type { EventsPlanView, EventsRemovePlan, EventsTargetStatus, ResourceOutcome } from '../../../../shared/api/events';
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

type Target = { profile: string; region: string };
type Open = { kind: 'setup' | 'remove'; target: Target } | null;

const MODE_LABEL = { 'event-driven': 'event-driven', polled: 'polled', degraded: 'degraded' } as const;

export function LiveUpdatesCard() {
  const targets = useAccountsStore((s) => s.liveUpdates);
  const tests = useAccountsStore((s) => s.liveUpdatesTests);
  const [open, setOpen] = useState<Open>(null);
  // Where focus returns when a dialog closes: the button that opened it.
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    void loadLiveUpdates();
  }, []);
  const show = (kind: 'setup' | 'remove', target: Target) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setOpen({ kind, target });
  };
  const close = () => {
    setOpen(null);
    opener.current?.focus();
  };
  return (
    <section className="card" aria-labelledby="live-updates-h" data-testid="live-updates-card">
      <h2 id="live-updates-h">Live updates</h2>
      <p className="muted small">
        With live updates, CodePipeline&apos;s own events reach Pipewright through EventBridge and an SQS queue, and pipelines are no longer probed: polling
        only reconciles. Without them, each target is polled as before.
      </p>
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
      {open?.kind === 'setup' && <SetupDialog target={open.target} onClose={close} />}
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

function ResourcesTable({ resources, testId }: { resources: Array<EventsPlanView['resources'][number] & { why?: string }>; testId: string }) {
  return (
    <table className="table small" data-testid={testId}>
      <thead>
        <tr>
          <th>What</th>
          <th>Account</th>
          <th>Region</th>
          <th>Name</th>
        </tr>
      </thead>
      <tbody>
        {resources.map((r) => (
          <tr key={r.id} data-testid={`${testId}-row`} data-kind={r.kind} data-account={r.account} data-region={r.region}>
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
          </tr>
        ))}
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

function SetupDialog({ target, onClose }: { target: Target; onClose: () => void }) {
  const [plan, setPlan] = useState<EventsPlanView | null | undefined>(null);
  const [phase, setPhase] = useState<'plan' | 'creating' | 'done'>('plan');
  const [ok, setOk] = useState<boolean | undefined>();
  const [templates, setTemplates] = useState<{ member: string; hub: string } | null>(null);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const words = productionTyped(plan?.accounts, typed);
  const outcomes = useAccountsStore((s) => s.liveUpdatesOutcomes);
  useEffect(() => {
    let live = true;
    void planLiveUpdates(target.profile, target.region).then((p) => live && setPlan(p));
    return () => {
      live = false;
    };
  }, [target.profile, target.region]);
  const create = async () => {
    if (!plan) return;
    setPhase('creating');
    // What this dialog showed is what is confirmed: the main process creates nothing else.
    setOk(
      await applyLiveUpdates(
        target.profile,
        target.region,
        plan.resources.map((r) => r.id),
        words.words,
      ),
    );
    setPhase('done');
  };
  const exportTemplates = async () => setTemplates((await liveUpdatesTemplates(target.profile, target.region)) ?? null);
  return (
    <Modal title={`Set up live updates for ${target.profile} ${target.region}`} testId="events-setup-dialog" onClose={onClose}>
      {plan === null && <p className="muted">Reading what exists…</p>}
      {plan === undefined && <p role="alert">The plan could not be made: nothing was created.</p>}
      {plan && (
        <>
          <p data-testid="events-plan-summary">
            Hub: account <code>{plan.hub.accountId}</code> ({plan.hub.profile}).{' '}
            {plan.routes.map((r) => `Events of ${r.accountId} ${r.region} go to the hub in ${r.hubRegion}.`).join(' ')} Nothing is created until you choose
            Create.
          </p>
          {plan.warnings.map((w) => (
            <p key={w} className="banner banner-warning" data-testid="events-plan-warning">
              {w}
            </p>
          ))}
          <ResourcesTable resources={plan.resources} testId="events-plan" />
          {phase === 'plan' && (
            <ProductionWords accounts={plan.accounts} typed={typed} onType={(id, v) => setTyped((t) => ({ ...t, [id]: v }))} testId="events-setup-prod" />
          )}
        </>
      )}
      {phase !== 'plan' && <Outcomes outcomes={outcomes} />}
      {phase === 'done' && (
        <p role="status" data-testid="events-setup-result" data-ok={String(ok === true)}>
          {ok ? 'Live updates are set up.' : 'Not everything was created: see above; running the setup again resumes from there.'}
        </p>
      )}
      {templates && (
        <div data-testid="events-templates">
          <TemplateBox
            label="Member accounts (StackSet)"
            fileName={`pipewright-events-member-${target.profile}.yaml`}
            text={templates.member}
            testId="events-template-member"
          />
          <TemplateBox label="Hub account" fileName={`pipewright-events-hub-${target.profile}.yaml`} text={templates.hub} testId="events-template-hub" />
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
          Export template
        </button>
        {/* First in focus: Enter on opening closes rather than creates. */}
        <button type="button" className="link" autoFocus onClick={onClose} data-testid="events-setup-close">
          {phase === 'done' ? 'Close' : 'Cancel'}
        </button>
      </div>
    </Modal>
  );
}

function TemplateBox({ label, fileName, text, testId }: { label: string; fileName: string; text: string; testId: string }) {
  return (
    <div className="field">
      <span>{label}</span>
      <textarea readOnly rows={8} className="wide" value={text} aria-label={`${label} template`} data-testid={testId} />
      <div className="row">
        <button type="button" className="button secondary" onClick={() => downloadText(fileName, text, 'application/yaml')} data-testid={`${testId}-save`}>
          Save…
        </button>
        <button type="button" className="button secondary" onClick={() => void navigator.clipboard?.writeText(text)} data-testid={`${testId}-copy`}>
          Copy
        </button>
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
