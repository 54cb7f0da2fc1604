// The retention policy (keep the last K successful executions and N days), what
// it lets go of, and the difference between its two forms: a one-off cleanup
// plan, or S3's age-only lifecycle rule.
import { setRetention } from './artifacts-actions';
import { mib } from './artifacts-format';
import type { PlanPreviewItem } from '../../../../shared/artifacts/plan';
import { RETENTION_DEPTH, type RetentionPolicy } from '../../../../shared/artifacts/retention';

/** What the retention policy lets go of in one live prefix, and its age-only lifecycle form. */
export function RetentionNote({ item, onAgeOnlyRule }: { item: PlanPreviewItem | undefined; onAgeOnlyRule: () => void }) {
  if (!item) return null;
  return (
    <span className="muted small" data-testid="retention-note">
      {' '}
      · retention lets go of {item.keyCount ?? 0} artifacts ({mib(item.expected.bytes)}){' '}
      <button type="button" className="link" onClick={onAgeOnlyRule} data-testid="lifecycle-retention-start">
        Age-only rule…
      </button>
    </span>
  );
}

/** The retention policy, and the difference between its two forms. */
export function RetentionCard({
  policy,
  items: planned,
  error,
  onSelectAll,
}: {
  policy: RetentionPolicy;
  items: PlanPreviewItem[] | null;
  error: string | null;
  onSelectAll: () => void;
}) {
  const items = planned ?? [];
  const keys = items.reduce((n, i) => n + (i.keyCount ?? 0), 0);
  const bytes = items.reduce((n, i) => n + i.expected.bytes, 0);
  return (
    <section className="card" data-testid="retention-card">
      <h2>Retention inside live pipelines</h2>
      <div className="row">
        <label className="prop">
          <span>Keep the last successful executions</span>
          <input
            type="number"
            min={1}
            max={RETENTION_DEPTH}
            value={policy.keepLast}
            onChange={(e) => setRetention({ ...policy, keepLast: Math.min(RETENTION_DEPTH, Math.max(1, Math.round(Number(e.target.value) || 1))) })}
            data-testid="retention-keep-last"
          />
        </label>
        <label className="prop">
          <span>and everything younger than (days)</span>
          <input
            type="number"
            min={1}
            value={policy.keepDays}
            onChange={(e) => setRetention({ ...policy, keepDays: Math.max(1, Math.round(Number(e.target.value) || 1)) })}
            data-testid="retention-keep-days"
          />
        </label>
      </div>
      <p data-testid="retention-summary">
        {planned === null ? (
          error ? (
            `Could not count what this policy lets go of: ${error}`
          ) : (
            'Counting what this policy lets go of…'
          )
        ) : (
          <>
            In {items.length} live {items.length === 1 ? 'prefix' : 'prefixes'}, {keys} artifacts ({mib(bytes)}) fall outside this policy. The latest successful
            execution of every pipeline is always kept.
          </>
        )}
      </p>
      <ul className="small muted">
        <li>
          <strong>As a cleanup plan</strong> (tick a live prefix below): deletes exactly the listed artifacts once, now, and keeps the last successful
          executions however old they are.
        </li>
        <li>
          <strong>As a lifecycle rule</strong> (“Age-only rule…” on a live prefix): S3 keeps expiring artifacts older than the age, from now on, with no desktop
          running; but a rule knows only age, so it cannot keep the last successful executions of a pipeline that has gone quiet.
        </li>
      </ul>
      <button type="button" className="button secondary" disabled={!items.length} onClick={onSelectAll} data-testid="retention-select-all">
        Select all {items.length}
      </button>
    </section>
  );
}
