// What the audit could read. A verdict of absence (orphan, unused) stands only
// on complete coverage, so an incomplete audit says where it could not look.
import type { AuditReport as AuditReportView } from '../../../../shared/artifacts/report';

/** What the audit could read: a verdict of absence (orphan, unused) stands only on complete coverage. */
export function CoverageBanner({ coverage, unverified }: { coverage: AuditReportView['coverage']; unverified: number }) {
  if (!coverage)
    return (
      <div className="banner banner-warning" data-testid="coverage">
        This audit records no coverage: audit again before cleaning.
      </div>
    );
  const listed = coverage.accounts.reduce((n, a) => n + a.listed.length, 0);
  const notEnabled = coverage.accounts.reduce((n, a) => n + a.notEnabled.length, 0);
  const failed = coverage.accounts.flatMap((a) => a.failed.map((f) => ({ ...f, account: a.alias ?? a.accountId })));
  const noHistory = coverage.accounts.flatMap((a) => a.historyFailed.map((h) => ({ ...h, account: a.alias ?? a.accountId })));
  const summary = `Pipelines read in every region of ${coverage.accounts.length} ${coverage.accounts.length === 1 ? 'account' : 'accounts'}: ${listed} regions listed, ${notEnabled} not enabled, ${failed.length} failed.`;
  if (coverage.complete)
    return (
      <p className="muted small" data-testid="coverage" data-complete="true">
        {summary}
      </p>
    );
  return (
    <div className="banner banner-warning" data-testid="coverage" data-complete="false">
      <strong>Coverage incomplete.</strong> {summary}{' '}
      {unverified > 0 &&
        `${unverified} ${unverified === 1 ? 'prefix is' : 'prefixes are'} unverified: no pipeline was seen, but one may exist where the audit could not look, so they can't be selected.`}
      <ul className="small">
        {failed.slice(0, 8).map((f) => (
          <li key={`${f.account}|${f.region}`}>
            {f.account} · {f.region}: not listed ({f.code}: {f.message})
          </li>
        ))}
        {noHistory.slice(0, 8).map((h) => (
          <li key={`${h.account}|${h.region}|${h.pipeline}`}>
            {h.account} · {h.region} · {h.pipeline}: execution history unavailable ({h.message}); no retention for it
          </li>
        ))}
        {coverage.unreachableProfiles.map((p) => (
          <li key={p.profile}>
            profile {p.profile}: not reached ({p.message})
          </li>
        ))}
      </ul>
    </div>
  );
}
