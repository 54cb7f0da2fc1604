// How the artifacts page writes sizes, costs and audit log fields. Pure, so the
// page, its cards and the tests read the same words.

/** Bytes as people read them: KiB, MiB or GiB. */
export const mib = (b: number): string =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`;

/** A monthly cost as people read it: cents, and "< $0.01" rather than $0.0000. */
export const money = (usd: number): string => (usd === 0 ? '$0' : usd < 0.01 ? '< $0.01' : `$${usd.toFixed(2)}`);

export const prefixes = (n: number): string => `${n} ${n === 1 ? 'prefix' : 'prefixes'}`;

/** An audit log field as text: the log is append-only JSON lines, so a field may be any JSON value. */
export function logText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === undefined || v === null ? '' : JSON.stringify(v);
}

/** The count column of an audit log row: a batch's keys, a dry run's "would delete", a run's totals. */
export function logCount(e: Record<string, unknown>): string {
  const n = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0));
  if (e.event === 'batch') return `${logText(e.deleted)}/${logText(e.keys)} keys`;
  if (e.event === 'dry-run-item') return `${logText(e.keys)} versions, ${mib(n(e.bytes))}`;
  if (typeof e.deletedVersions === 'number')
    return `${String(e.event).startsWith('dry-run') ? 'would delete' : 'deleted'} ${e.deletedVersions} versions${e.deletedBytes !== undefined ? `, ${mib(n(e.deletedBytes))}` : ''}`;
  return '';
}
