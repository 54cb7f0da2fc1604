// The release board: environments (in wave order) x their targets. Each cell
// says which revision runs there (from the latest successful execution), what
// runs or waits now, and whether it is behind the environment before. Each
// environment can be promoted behind its gate; a running promotion's approvals
// are answered together.
import { useState } from 'react';
import type { BoardCell, Promotion, ReleaseBoard } from '../../../../shared/api/releases';
import { elapsed, formatTime } from '../../lib/format';
import { revisionMessage } from '../../../../shared/releases/promotion';
import { DangerDialog } from '../../lib/DangerDialog';
import { openPipeline } from '../executions';
import { useReleasesStore } from './releases-store';
import { approvePromotion, loadBoard, promote, stopPromotion } from './releases-actions';

type BoardEnvironment = ReleaseBoard['environments'][number];

const shortRev = (r: string | null) => (r ? r.slice(0, 10) : '—');

export function ReleaseBoardView() {
  const board = useReleasesStore((s) => s.board);
  const loading = useReleasesStore((s) => s.boardLoading);
  const unwatched = useReleasesStore((s) => s.unwatched);
  const [promoting, setPromoting] = useState<BoardEnvironment[] | null>(null);
  const [approving, setApproving] = useState<Promotion | null>(null);
  if (!board) return <p className="muted">{loading ? 'Reading every target of the release…' : 'The board could not be read.'}</p>;
  const running = new Map(board.promotions.filter((p) => p.status === 'running').map((p) => [p.environment, p]));
  return (
    <div className="release-board" data-testid="release-board">
      <div className="toolbar">
        <span className="muted">
          {board.application} · read {formatTime(board.checkedAt)} ·{' '}
          {unwatched ? `live for ${unwatched.of - unwatched.count} of ${unwatched.of} targets` : 'live while open'}
        </span>
        {unwatched && (
          <span className="badge badge-warning" role="status" title={unwatched.reason} data-testid="release-unwatched">
            {unwatched.count} target(s) not watched, Refresh reads them: {unwatched.reason}
          </span>
        )}
        <button type="button" className="button secondary" onClick={() => void loadBoard()} disabled={loading} data-testid="release-refresh">
          Refresh
        </button>
      </div>
      <table className="table matrix">
        <thead>
          <tr>
            <th>Wave</th>
            <th>Environment</th>
            <th>Targets</th>
            <th>Gate</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {board.environments.map((e, i) => {
            const p = running.get(e.name);
            // A wave of several environments can be promoted whole, side by side.
            const wave = board.environments.filter((x) => x.wave === e.wave);
            const firstOfWave = board.environments.findIndex((x) => x.wave === e.wave) === i;
            return [
              wave.length > 1 && firstOfWave && (
                <tr key={`wave-${e.wave}`} className="wave-row" data-testid="release-wave" data-wave={e.wave + 1}>
                  <td colSpan={4}>
                    Wave {e.wave + 1}: {wave.map((x) => x.name).join(', ')} go side by side
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button secondary"
                      disabled={wave.some((x) => running.has(x.name) || x.targets.some((t) => t.problem))}
                      onClick={() => setPromoting(wave)}
                      data-testid="wave-promote"
                    >
                      Promote wave…
                    </button>
                  </td>
                </tr>
              ),
              <tr key={e.name} data-testid="release-env" data-env={e.name}>
                <td>{e.wave + 1}</td>
                <td>
                  <strong>{e.name}</strong>
                  {e.confirmationWord && <span className="badge badge-warning"> production</span>}
                  {e.previous && (
                    <div className="muted" data-testid="env-drift">
                      {e.behindPrevious ? `behind ${e.previous}` : `same revision as ${e.previous}`}
                      {e.driftCount ? ` · ${e.driftCount} difference(s) from ${e.previous}` : e.driftCount === 0 ? ' · no drift' : ''}
                    </div>
                  )}
                </td>
                <td>
                  <div className="cells">
                    {e.targets.map((c) => (
                      <Cell key={`${c.profile}|${c.region}|${c.pipeline}`} cell={c} />
                    ))}
                  </div>
                  {p && <PromotionLine promotion={p} onApprove={() => setApproving(p)} />}
                </td>
                <td data-testid="env-gate">
                  {e.gate ? e.gate.open ? <span className="ok">open (after {e.gate.after})</span> : <span className="muted">{e.gate.reason}</span> : '—'}
                </td>
                <td>
                  <button
                    type="button"
                    className="button"
                    disabled={!!p || e.targets.some((t) => t.problem)}
                    title={p ? 'A promotion of this environment is running' : e.targets.some((t) => t.problem) ? 'A target has a problem' : ''}
                    onClick={() => setPromoting([e])}
                    data-testid="env-promote"
                  >
                    Promote…
                  </button>
                </td>
              </tr>,
            ];
          })}
        </tbody>
      </table>
      <RecentPromotions promotions={board.promotions} />
      {promoting && <PromoteDialog envs={promoting} board={board} onClose={() => setPromoting(null)} />}
      {approving && (
        <ApproveDialog
          promotion={approving}
          word={board.environments.find((e) => e.name === approving.environment)?.confirmationWord ?? null}
          onClose={() => setApproving(null)}
        />
      )}
    </div>
  );
}

function Cell({ cell: c }: { cell: BoardCell }) {
  const state = c.problem ? 'problem' : c.approvalWaiting ? 'waiting' : c.status === 'InProgress' ? 'running' : c.status === 'Failed' ? 'failed' : 'idle';
  return (
    <div className={`cell cell-${state}`} data-testid="release-cell" data-pipeline={c.pipeline} data-profile={c.profile} data-revision={c.revisionId ?? ''}>
      <button type="button" className="link" onClick={() => void openPipeline({ profile: c.profile, region: c.region, name: c.pipeline })}>
        <strong>{c.pipeline}</strong>
      </button>
      <div className="muted">
        {c.profile} · {c.region}
        {c.account ? ` · ${c.account}` : ''}
      </div>
      {c.problem ? (
        <div className="error" data-testid="cell-problem">
          {c.problem.kind}: {c.problem.message}
        </div>
      ) : (
        <>
          <div title={c.revisionId ?? ''}>
            <code data-testid="cell-revision">{shortRev(c.revisionId)}</code>{' '}
            {c.revisionSummary && <span>{(revisionMessage(c.revisionSummary) ?? '').split('\n')[0].slice(0, 72)}</span>}
          </div>
          <div className="muted">{c.deployedAt ? `deployed ${elapsed(c.deployedAt, null)} ago` : 'never succeeded'}</div>
          <div data-testid="cell-status">
            <span className={`status status-${(c.status ?? 'none').toLowerCase()}`}>{c.status ?? 'never ran'}</span>
            {c.approvalWaiting && <span className="badge badge-warning"> approval waiting</span>}
          </div>
        </>
      )}
    </div>
  );
}

function PromotionLine({ promotion: p, onApprove }: { promotion: Promotion; onApprove: () => void }) {
  const waiting = p.targets.some((t) => t.approvalWaiting || t.blockedBy);
  return (
    <div className="promotion" data-testid="promotion-running" data-env={p.environment}>
      Promoting{p.revision ? ` ${shortRev(p.revision)}` : ''}
      {p.from ? ` from ${p.from}` : ''}:{' '}
      {p.targets.map((t) => (
        <span key={`${t.profile}|${t.region}|${t.pipeline}`} className="muted">
          {t.pipeline} {t.status ?? 'starting'}
          {t.approvalWaiting ? ' (approval waiting)' : ''}
          {t.blockedBy ? ` (behind older run ${t.blockedBy})` : ''}
          {t.message ? ` — ${t.message}` : ''}{' '}
        </span>
      ))}
      {waiting && (
        <button type="button" className="button" onClick={onApprove} data-testid="promotion-approve">
          Approve…
        </button>
      )}
      <button
        type="button"
        className="link"
        title="Stops this promotion (its executions run on: stop them in Executions)"
        onClick={() => void stopPromotion(p.id, 'Stopped from the board.')}
        data-testid="promotion-stop"
      >
        Stop promotion
      </button>
    </div>
  );
}

function RecentPromotions({ promotions }: { promotions: Promotion[] }) {
  const done = promotions.filter((p) => p.status !== 'running').slice(0, 8);
  if (!done.length) return null;
  return (
    <section>
      <h3>Recent promotions</h3>
      <ul data-testid="recent-promotions">
        {done.map((p) => (
          <li key={p.id} data-testid="recent-promotion" data-env={p.environment} data-status={p.status}>
            <span className={`status status-${p.status}`}>{p.status}</span> {p.environment}
            {p.revision ? ` ${shortRev(p.revision)}` : ''} · {formatTime(p.finishedAt ?? p.startedAt)}
            {p.reason && <div className="error">{p.reason}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Promotes one environment, or a wave's environments side by side, each behind its own gate. */
function PromoteDialog({ envs, board, onClose }: { envs: BoardEnvironment[]; board: ReleaseBoard; onClose: () => void }) {
  const [custom, setCustom] = useState(false);
  const [revision, setRevision] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [allowUnpinned, setAllowUnpinned] = useState(false);
  const [blocked, setBlocked] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const revisionFrom = (e: BoardEnvironment) => board.environments.find((x) => x.name === e.previous)?.targets[0]?.revisionId ?? null;
  // The board reads gates unconfirmed: "confirmation" means every other check passed and a person is wanted.
  const gateConfirm = envs.some((e) => e.gate?.kind === 'confirmation');
  const names = envs.map((e) => e.name).join(', ');
  const go = async () => {
    setBusy(true);
    const stopped: string[] = [];
    let started = 0;
    for (const e of envs) {
      const r = await promote({ environment: e.name, revision: custom && revision.trim() ? revision.trim() : undefined, confirmed, allowUnpinned });
      if (r.blocked) stopped.push(`${e.name}: ${r.blocked}`);
      if (r.ok) started++;
    }
    setBusy(false);
    if (stopped.length) setBlocked(stopped);
    else if (started === envs.length) onClose();
  };
  const targets = envs.reduce((n, e) => n + e.targets.length, 0);
  return (
    <DangerDialog
      title={`Promote ${names}`}
      testId="promote-dialog"
      confirmLabel={busy ? 'Starting…' : `Start ${targets} pipeline(s)`}
      confirmTestId="promote-confirm"
      canConfirm={!busy && (!gateConfirm || confirmed) && (!custom || !!revision.trim())}
      onConfirm={() => void go()}
      onClose={onClose}
    >
      {envs.map((env) => (
        <div key={env.name}>
          <p>
            {custom ? (
              `${env.name}: pinned to the revision you give.`
            ) : env.previous ? (
              <>
                {env.name}: each source pinned to the revision {env.previous} succeeded with:{' '}
                <code data-testid="promote-revision">{revisionFrom(env) ?? 'none yet'}</code>
              </>
            ) : (
              `${env.name} is in the first wave: it builds its latest source revision.`
            )}
          </p>
          <ul>
            {env.targets.map((t) => (
              <li key={`${t.profile}|${t.region}|${t.pipeline}`}>
                {t.pipeline} · {t.profile} · {t.region}
              </li>
            ))}
          </ul>
          {env.gate && !env.gate.open && env.gate.kind !== 'confirmation' && <p className="muted">Gate: {env.gate.reason}</p>}
        </div>
      ))}
      <label>
        <input type="checkbox" checked={custom} onChange={(e) => setCustom(e.target.checked)} /> Pin another revision
      </label>
      {custom && (
        <input
          type="text"
          className="wide"
          aria-label="Revision"
          placeholder="commit id, S3 version id or image digest"
          value={revision}
          onChange={(e) => setRevision(e.target.value)}
          data-testid="promote-custom-revision"
        />
      )}
      <label>
        <input type="checkbox" checked={allowUnpinned} onChange={(e) => setAllowUnpinned(e.target.checked)} /> Start sources that cannot be pinned on their
        latest revision
      </label>
      {gateConfirm && (
        <label>
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} data-testid="promote-gate-confirm" /> I confirm promoting
          to {names} (the gate asks a person)
        </label>
      )}
      {blocked.length > 0 && (
        <p className="error" role="alert" data-testid="promote-blocked">
          Stopped at the gate: {blocked.join('; ')}
        </p>
      )}
    </DangerDialog>
  );
}

function ApproveDialog({ promotion: p, word, onClose }: { promotion: Promotion; word: string | null; onClose: () => void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <DangerDialog
      title={`Approve ${p.environment}`}
      testId="release-approve-dialog"
      confirmLabel={busy ? 'Answering…' : 'Approve all'}
      confirmTestId="release-approve-confirm"
      canConfirm={!busy && (!word || typed.trim() === word)}
      onConfirm={() => {
        setBusy(true);
        void approvePromotion(p.id, typed).then((ok) => (ok ? onClose() : setBusy(false)));
      }}
      onClose={onClose}
    >
      <p>Each approval is answered with its own account&apos;s credentials, for this promotion&apos;s executions only.</p>
      <ul>
        {p.targets.map((t) => (
          <li key={`${t.profile}|${t.region}|${t.pipeline}`}>
            {t.pipeline} ({t.profile}, {t.region}): {t.approvalWaiting ? 'approve' : 'nothing waiting yet'}
            {t.blockedBy ? `; reject older run ${t.blockedBy}, which holds the stage` : ''}
          </li>
        ))}
      </ul>
      {word && (
        <label>
          {p.environment} is production: type <code>{word}</code> to confirm{' '}
          <input type="text" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder={word} data-testid="release-approve-word" autoFocus />
        </label>
      )}
    </DangerDialog>
  );
}
