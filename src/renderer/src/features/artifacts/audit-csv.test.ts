import { describe, expect, it } from 'vitest';
import { AUDIT_CSV_HEADER, auditCsv } from './audit-csv';
import { bucketOf, prefixOf, reportOf } from './artifacts-test-fixtures';

/** A minimal RFC 4180 reader: enough to prove the CSV reads back as written. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += ch;
    }
  }
  return rows;
}

describe('auditCsv', () => {
  it('writes a header and one row per prefix, every field read back as it was, commas and quotes included', () => {
    const report = reportOf([
      bucketOf({
        name: 'artifacts-a',
        accountAlias: 'acme, "prod"',
        prefixes: [
          prefixOf({
            prefix: 'web',
            class: 'live',
            objects: 3,
            versions: 4,
            deleteMarkers: 1,
            bytes: 2048,
            monthlyCost: 0.5,
            claimedBy: [
              { accountId: '1', region: 'r', name: 'web' },
              { accountId: '1', region: 'r', name: 'web-2' },
            ],
          }),
          prefixOf({ prefix: 'gone', class: 'orphan' }),
        ],
      }),
      bucketOf({ name: 'artifacts-b', accountAlias: null, prefixes: [prefixOf({ prefix: 'x', class: 'unverified' })] }),
    ]);
    const text = auditCsv(report);
    expect(text.endsWith('\n')).toBe(true);
    const rows = readCsv(text);
    expect(rows[0].join(',')).toBe(AUDIT_CSV_HEADER);
    expect(rows.slice(1)).toEqual([
      ['111111111111', 'acme, "prod"', 'us-east-1', 'artifacts-a', 'web', 'live', '3', '4', '1', '2048', '0.5', 'web web-2'],
      ['111111111111', 'acme, "prod"', 'us-east-1', 'artifacts-a', 'gone', 'orphan', '0', '0', '0', '0', '0', ''],
      ['111111111111', '', 'us-east-1', 'artifacts-b', 'x', 'unverified', '0', '0', '0', '0', '0', ''],
    ]);
  });

  it('is the header alone for an audit with no bucket', () => {
    expect(auditCsv(reportOf([]))).toBe(`${AUDIT_CSV_HEADER}\n`);
  });
});
