// The audit as CSV, one row per prefix, for a spreadsheet: every field quoted
// (bucket names, aliases and claimers may hold commas), quotes doubled (RFC 4180).
import type { Report } from './artifacts-store';

export const AUDIT_CSV_HEADER = 'account,alias,region,bucket,prefix,class,objects,versions,deleteMarkers,bytes,monthlyCost,claimedBy';

const field = (x: string | number): string => `"${String(x).replace(/"/g, '""')}"`;

export function auditCsv(report: Pick<Report, 'buckets'>): string {
  const rows = report.buckets.flatMap((b) =>
    b.prefixes.map((p) =>
      [
        b.accountId,
        b.accountAlias ?? '',
        b.region,
        b.name,
        p.prefix,
        p.class,
        p.objects,
        p.versions,
        p.deleteMarkers,
        p.bytes,
        p.monthlyCost,
        p.claimedBy.map((c) => c.name).join(' '),
      ]
        .map(field)
        .join(','),
    ),
  );
  return [AUDIT_CSV_HEADER, ...rows].join('\n') + '\n';
}
