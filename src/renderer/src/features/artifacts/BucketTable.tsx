// The audit as a table: a group per bucket (its account, region, versioning,
// size and cost, whether it may be deleted), a row per prefix with its class and
// claimers, its stale folders below it, and its foreign data. Rows that may be
// cleaned get a checkbox; what a bucket or prefix is offered (deletion, a
// lifecycle rule) follows the main process's rules.
import { Fragment } from 'react';
import { toggle } from './artifacts-actions';
import { mib, money } from './artifacts-format';
import { offerAgeOnlyRule, offerWholeExpiry, type HugePrefixLimits } from './artifacts-selectors';
import { retentionKey, rowKey, type Report } from './artifacts-store';
import { RetentionNote } from './RetentionCard';
import { deletableBucket } from '../../../../shared/artifacts/eligibility';
import type { PlanPreviewItem } from '../../../../shared/artifacts/plan';

export interface ExpiryRequest {
  bucket: string;
  prefix: string;
  retainDays?: number;
}

export function BucketTable({
  report,
  selected,
  retentionFor,
  keepDays,
  hugePrefix,
  onDeleteBucket,
  onExpire,
}: {
  report: Report;
  selected: Set<string>;
  retentionFor: Map<string, PlanPreviewItem>;
  keepDays: number;
  hugePrefix: HugePrefixLimits;
  onDeleteBucket: (bucket: string) => void;
  onExpire: (request: ExpiryRequest) => void;
}) {
  return (
    <table className="table artifacts-table" data-testid="artifacts-table">
      <thead>
        <tr>
          <th />
          <th>Prefix</th>
          <th>Class</th>
          <th>Claimed by</th>
          <th>Versions</th>
          <th>Markers</th>
          <th>Size</th>
          <th>$/month</th>
        </tr>
      </thead>
      {report.buckets.map((b) => (
        <tbody key={b.name} data-testid="bucket-group" data-bucket={b.name}>
          <tr className="bucket-row">
            <th colSpan={8}>
              {b.accountAlias ?? b.accountId} · {b.region} · s3://{b.name}{' '}
              <span className="muted small">
                {b.versioning === 'Enabled' ? 'versioned' : 'unversioned'} · {mib(b.totals.bytes)} · ${b.totals.monthlyCost}/month
              </span>
              {b.unused && <span className="badge">no pipeline uses it</span>} {b.protected && <span className="badge">protected</span>}
              {!b.coverage.complete && (
                <span className="badge badge-warning" title={b.coverage.gaps.join('\n')} data-testid="bucket-unverified">
                  coverage incomplete
                </span>
              )}
              {deletableBucket(b) && (
                <button type="button" className="link" onClick={() => onDeleteBucket(b.name)} data-testid="bucket-delete-start">
                  Delete bucket…
                </button>
              )}
            </th>
          </tr>
          {b.prefixes.map((p) => (
            <Fragment key={p.prefix}>
              <tr data-testid="prefix-row" data-prefix={p.prefix} data-class={p.class}>
                <td>
                  {p.class === 'orphan' && !b.protected && (
                    <input
                      type="checkbox"
                      aria-label={`Select ${p.prefix}`}
                      checked={selected.has(rowKey(b.name, `${p.prefix}/`))}
                      onChange={() => toggle(rowKey(b.name, `${p.prefix}/`))}
                      data-testid="select-prefix"
                    />
                  )}
                  {retentionFor.has(retentionKey(b.name, `${p.prefix}/`)) && (
                    <input
                      type="checkbox"
                      aria-label={`Apply retention to ${p.prefix}`}
                      checked={selected.has(retentionKey(b.name, `${p.prefix}/`))}
                      onChange={() => toggle(retentionKey(b.name, `${p.prefix}/`))}
                      data-testid="select-retention"
                    />
                  )}
                </td>
                <td>
                  <code>{p.prefix}/</code>
                </td>
                <td>
                  <span className={`class class-${p.class}`}>{p.class}</span>
                </td>
                <td>
                  {p.claimedBy.map((c) => c.name).join(', ')}
                  {p.class === 'unverified' && (
                    <span className="muted small" data-testid="unverified-reason">
                      {p.reason}
                    </span>
                  )}
                  {p.held && (
                    <span className="muted small" data-testid="held-reason" title={p.held}>
                      {' '}
                      · stale folders and retention held back ({b.coverage.complete ? 'execution history unavailable' : 'coverage incomplete'})
                    </span>
                  )}
                  {offerAgeOnlyRule(b, p, retentionFor.get(retentionKey(b.name, `${p.prefix}/`)), keepDays) && (
                    <RetentionNote
                      item={retentionFor.get(retentionKey(b.name, `${p.prefix}/`))}
                      onAgeOnlyRule={() => onExpire({ bucket: b.name, prefix: `${p.prefix}/`, retainDays: keepDays })}
                    />
                  )}
                  {offerWholeExpiry(b, p, hugePrefix) && (
                    <button
                      type="button"
                      className="link"
                      onClick={() => onExpire({ bucket: b.name, prefix: `${p.prefix}/` })}
                      data-testid="lifecycle-start"
                      title="A big prefix: let S3 expire it server-side, at no request cost"
                    >
                      Expire with a lifecycle rule…
                    </button>
                  )}
                </td>
                <td>{p.versions}</td>
                <td>{p.deleteMarkers}</td>
                <td>{mib(p.bytes)}</td>
                <td>{money(p.monthlyCost)}</td>
              </tr>
              {p.folders
                .filter((f) => f.stale)
                .map((f) => (
                  <tr key={`${p.prefix}/${f.folder}`} className="stale-row" data-testid="stale-row">
                    <td>
                      {!b.protected && !p.held && (
                        <input
                          type="checkbox"
                          aria-label={`Select ${p.prefix}/${f.folder}`}
                          checked={selected.has(rowKey(b.name, `${p.prefix}/${f.folder}/`))}
                          onChange={() => toggle(rowKey(b.name, `${p.prefix}/${f.folder}/`))}
                        />
                      )}
                    </td>
                    <td>
                      &nbsp;&nbsp;<code>{f.folder}/</code>
                    </td>
                    <td>
                      <span className="class class-stale">stale</span>
                    </td>
                    <td className="muted small">no longer produced</td>
                    <td>{f.versions}</td>
                    <td>{f.deleteMarkers}</td>
                    <td>{mib(f.bytes)}</td>
                    <td />
                  </tr>
                ))}
            </Fragment>
          ))}
          {b.foreign.versions > 0 && (
            <tr className="muted">
              <td />
              <td colSpan={2}>foreign data ({b.foreign.sample.join(', ')}…)</td>
              <td>never selected</td>
              <td>{b.foreign.versions}</td>
              <td>{b.foreign.deleteMarkers}</td>
              <td>{mib(b.foreign.bytes)}</td>
              <td />
            </tr>
          )}
        </tbody>
      ))}
    </table>
  );
}
