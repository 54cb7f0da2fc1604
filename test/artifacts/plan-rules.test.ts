// The plan file's rules one by one, each refusal on its own: what `parsePlan`
// accepts and how it names what is wrong, what `checkPlanAgainstAudit` lets
// through and why it refuses the rest, and the preview the page gets.
// (The property-based planner tests cover the happy paths at random; these pin
// each rule so that a weakened one fails a named test. Written for the mutation
// run of issue #22: see docs/testing.md.)
import { describe, expect, it } from 'vitest';
import {
  checkPlanAgainstAudit,
  parsePlan,
  PlanError,
  PLAN_VERSION,
  previewOf,
  type AuditedPrefix,
  type CleanupPlan,
  type PlanItem,
} from '../../src/shared/artifacts/plan';

const DAY = 86_400_000;
const AUDITED_AT = '2026-11-01T00:00:00.000Z';
const NOW = Date.parse(AUDITED_AT) + 3_600_000;
const ACCOUNT = '111111111111';

const item = (over: Partial<PlanItem> & Pick<PlanItem, 'prefix' | 'class'>): PlanItem => ({
  profile: 'dev',
  accountId: ACCOUNT,
  accountAlias: null,
  region: 'us-east-1',
  bucket: 'artifacts-bucket',
  reason: 'test',
  expected: { objects: 1, versions: 1, deleteMarkers: 0, bytes: 1 },
  keep: [],
  ...over,
});
const planOf = (...items: PlanItem[]): CleanupPlan => ({ version: PLAN_VERSION, createdAt: AUDITED_AT, auditedAt: AUDITED_AT, items });
const audited = (over: Partial<AuditedPrefix> & Pick<AuditedPrefix, 'prefix' | 'class'>): AuditedPrefix => ({
  accountId: ACCOUNT,
  region: 'us-east-1',
  bucket: 'artifacts-bucket',
  staleFolders: [],
  protected: false,
  ...over,
});
const retention = (keys: string[], keepDays = 7, over: Partial<PlanItem> = {}) =>
  item({ prefix: 'app/', class: 'retention', keys, retention: { keepLast: 1, keepDays, cutoff: AUDITED_AT }, ...over });

const refusal = (plan: CleanupPlan, audit: AuditedPrefix[], now = NOW) => {
  try {
    checkPlanAgainstAudit(plan, audit, now);
  } catch (err) {
    expect(err).toBeInstanceOf(PlanError);
    expect((err as Error).name).toBe('PlanError');
    return (err as Error).message;
  }
  return null;
};

describe('checkPlanAgainstAudit', () => {
  const orphan = audited({ prefix: 'gone', class: 'orphan' });
  const live = audited({ prefix: 'app', class: 'live', staleFolders: ['OldOutput'], keep: ['app/Src/LATEST1'] });

  it('lets through an audited orphan prefix, a stale folder and retention inside a live or shared prefix', () => {
    expect(refusal(planOf(item({ prefix: 'gone/', class: 'orphan' })), [orphan])).toBeNull();
    expect(refusal(planOf(item({ prefix: 'app/OldOutput/', class: 'stale', keep: ['app/OldOutput/KEEPME1'] })), [live])).toBeNull();
    expect(refusal(planOf(retention(['app/Src/AAAAAAA', 'app/Src/BBBBBBB.zip'])), [live])).toBeNull();
    expect(refusal(planOf(retention(['app/Src/AAAAAAA'])), [{ ...live, class: 'shared' }])).toBeNull();
  });

  it('names the item by its number and its S3 address', () => {
    const msg = refusal(planOf(item({ prefix: 'gone/', class: 'orphan' }), item({ prefix: 'else/', class: 'orphan' })), [orphan]);
    expect(msg).toBe('item 2 (s3://artifacts-bucket/else/) was not in the audit: a plan may only name audited prefixes.');
  });

  it('matches audited prefixes by account, bucket and prefix together', () => {
    expect(refusal(planOf(item({ prefix: 'gone/', class: 'orphan', accountId: '222222222222' })), [orphan])).toMatch(/was not in the audit/);
    expect(refusal(planOf(item({ prefix: 'gone/', class: 'orphan', bucket: 'other-bucket' })), [orphan])).toMatch(/was not in the audit/);
  });

  it('refuses anything in a protected bucket', () => {
    expect(refusal(planOf(item({ prefix: 'gone/', class: 'orphan' })), [{ ...orphan, protected: true }])).toBe(
      'item 1 (s3://artifacts-bucket/gone/) is in a protected bucket (pipewright:protect tag or blocklist).',
    );
  });

  it('refuses an unverified prefix, with why its evidence was incomplete', () => {
    const unverified = audited({ prefix: 'gone', class: 'unverified', held: 'eu-west-1 of 111111111111 could not be listed' });
    expect(refusal(planOf(item({ prefix: 'gone/', class: 'orphan' })), [unverified])).toBe(
      'item 1 (s3://artifacts-bucket/gone/) is unverified in the audit, never deletable: eu-west-1 of 111111111111 could not be listed.',
    );
    expect(refusal(planOf(item({ prefix: 'gone/', class: 'orphan' })), [{ ...unverified, held: undefined }])).toMatch(
      /never deletable: its coverage was incomplete\.$/,
    );
  });

  it('refuses an orphan item that is not an audited orphan prefix, or that names a folder', () => {
    expect(refusal(planOf(item({ prefix: 'app/', class: 'orphan' })), [live])).toBe(
      'item 1 (s3://artifacts-bucket/app/) is not an orphan prefix in the audit (it is live).',
    );
    expect(refusal(planOf(item({ prefix: 'gone/Folder/', class: 'orphan' })), [orphan])).toMatch(/is not an orphan prefix in the audit \(it is orphan\)/);
  });

  it('refuses stale folders and retention inside a live prefix whose evidence was held back', () => {
    const held = { ...live, held: 'the history of app could not be read' };
    expect(refusal(planOf(item({ prefix: 'app/OldOutput/', class: 'stale' })), [held])).toBe(
      'item 1 (s3://artifacts-bucket/app/OldOutput/) is inside a live prefix whose evidence was incomplete: the history of app could not be read',
    );
    expect(refusal(planOf(retention(['app/Src/AAAAAAA'])), [held])).toMatch(/whose evidence was incomplete/);
  });

  it('refuses a stale item that is not a stale folder of the audit', () => {
    expect(refusal(planOf(item({ prefix: 'app/Other/', class: 'stale' })), [live])).toBe(
      'item 1 (s3://artifacts-bucket/app/Other/) is not a stale folder in the audit.',
    );
    expect(refusal(planOf(item({ prefix: 'app/', class: 'stale' })), [live])).toMatch(/is not a stale folder in the audit/);
  });

  it('refuses a keep-list naming keys outside the item or keys that are not artifacts', () => {
    const stale = (keep: string[]) => planOf(item({ prefix: 'app/OldOutput/', class: 'stale', keep }));
    expect(refusal(stale(['app/Other/AAAAAAA']), [live])).toBe(
      'item 1 (s3://artifacts-bucket/app/OldOutput/) keeps app/Other/AAAAAAA, which is not an artifact key under it.',
    );
    expect(refusal(stale(['app/OldOutput/notes.txt']), [live])).toMatch(/keeps app\/OldOutput\/notes\.txt, which is not an artifact key/);
  });

  it('refuses retention outside a live prefix, or on a folder', () => {
    expect(refusal(planOf(retention(['gone/Src/AAAAAAA'], 7, { prefix: 'gone/' })), [orphan])).toBe(
      "item 1 (s3://artifacts-bucket/gone/) is not a live pipeline's prefix in the audit (it is orphan): retention applies inside live prefixes.",
    );
    expect(refusal(planOf(retention(['app/Src/AAAAAAA'], 7, { prefix: 'app/Src/' })), [live])).toMatch(/is not a live pipeline's prefix/);
  });

  it('refuses retention deleting a key outside the item, a non-artifact key, or a latest success kept by the audit or the item', () => {
    expect(refusal(planOf(retention(['other/Src/AAAAAAA'])), [live])).toBe(
      'item 1 (s3://artifacts-bucket/app/) deletes other/Src/AAAAAAA, which is not an artifact key under it.',
    );
    expect(refusal(planOf(retention(['app/Src/readme.md'])), [live])).toMatch(/deletes app\/Src\/readme\.md, which is not an artifact key under it/);
    expect(refusal(planOf(retention(['app/Src/LATEST1'])), [live])).toBe(
      'item 1 (s3://artifacts-bucket/app/) deletes app/Src/LATEST1, an artifact of a latest successful execution, which is always kept.',
    );
    expect(refusal(planOf(retention(['app/Src/MINE123'], 7, { keep: ['app/Src/MINE123'] })), [{ ...live, keep: undefined }])).toMatch(
      /deletes app\/Src\/MINE123, an artifact of a latest successful execution/,
    );
  });

  it('refuses a retention plan whose audit is older than its day window, to the millisecond', () => {
    const plan = planOf(retention(['app/Src/AAAAAAA'], 7));
    const audit = Date.parse(AUDITED_AT);
    expect(refusal(plan, [live], audit + 7 * DAY)).toBeNull();
    expect(refusal(plan, [live], audit + 7 * DAY + 1)).toBe(
      'item 1 (s3://artifacts-bucket/app/) comes from an audit 7 days old, older than its 7-day window: audit again.',
    );
    expect(refusal(plan, [live], audit + 9.5 * DAY)).toMatch(/an audit 9 days old/);
    // An unreadable audit time is never "young enough".
    expect(refusal({ ...plan, auditedAt: 'not a date' }, [live])).toMatch(/older than its 7-day window/);
    // Orphan and stale items have no window.
    expect(refusal(planOf(item({ prefix: 'gone/', class: 'orphan' })), [orphan], audit + 400 * DAY)).toBeNull();
  });
});

describe('parsePlan', () => {
  const good = planOf(item({ prefix: 'gone/', class: 'orphan' }));

  it('reads a plan back as written, with defaults filled in', () => {
    const { keep: _keep, ...withoutKeep } = good.items[0];
    expect(parsePlan(JSON.stringify(good))).toEqual(good);
    expect(parsePlan(JSON.stringify({ ...good, items: [withoutKeep] })).items[0].keep).toEqual([]);
  });

  it('names a file that is not JSON, by its parser error, first line only', () => {
    expect(() => parsePlan('{ nope')).toThrow(PlanError);
    expect(() => parsePlan('{ nope')).toThrow(/^The plan is not valid JSON \(line 1, column \d+\): \S/);
    let message = '';
    try {
      parsePlan('{ nope');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain('\n');
  });

  it('refuses deep nesting before any schema sees it', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 150; i++) deep = [deep];
    expect(() => parsePlan(JSON.stringify({ ...good, extra: deep }))).toThrow('Not a cleanup plan: it nests deeper than 100 levels.');
  });

  it('names up to five problems by their path, and the plan itself when the path is empty', () => {
    expect(() => parsePlan('[]')).toThrow(/^Not a cleanup plan: \(plan\): /);
    const bad = { ...good, items: Array.from({ length: 7 }, () => ({ ...good.items[0], accountId: 'x' })) };
    let message = '';
    try {
      parsePlan(JSON.stringify(bad));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Not a cleanup plan: items\.0\.accountId: /);
    expect(message.split('; ')).toHaveLength(5);
    expect(message).toContain('items.4.accountId');
    expect(message).not.toContain('items.5.accountId');
  });

  it('refuses a retention item without its keys and policy, and keys on any other item', () => {
    expect(() => parsePlan(JSON.stringify(planOf(item({ prefix: 'app/', class: 'retention' }))))).toThrow(/a retention item names its keys and policy/);
    const policy = { keepLast: 1, keepDays: 7, cutoff: AUDITED_AT };
    expect(() => parsePlan(JSON.stringify(planOf(item({ prefix: 'gone/', class: 'orphan', keys: ['gone/Src/AAAAAAA'], retention: policy }))))).toThrow(
      /only a retention item does/,
    );
    // Either half alone is refused too: keys narrowing an orphan, a policy on a stale folder, a retention item missing one.
    expect(() => parsePlan(JSON.stringify(planOf(item({ prefix: 'gone/', class: 'orphan', keys: ['gone/Src/AAAAAAA'] }))))).toThrow(
      /only a retention item does/,
    );
    expect(() => parsePlan(JSON.stringify(planOf(item({ prefix: 'app/Old/', class: 'stale', retention: policy }))))).toThrow(/only a retention item does/);
    expect(() => parsePlan(JSON.stringify(planOf(item({ prefix: 'app/', class: 'retention', keys: ['app/Src/AAAAAAA'] }))))).toThrow(
      /names its keys and policy/,
    );
  });
});

describe('previewOf', () => {
  it('counts a retention item’s keys instead of listing them, and leaves other items as they are', () => {
    const orphanItem = item({ prefix: 'gone/', class: 'orphan' });
    const plan = { ...planOf(orphanItem, retention(['app/Src/AAAAAAA', 'app/Src/BBBBBBB'])), createdAt: '2026-11-02T00:00:00.000Z' };
    const p = previewOf(plan);
    expect(p.createdAt).toBe('2026-11-02T00:00:00.000Z');
    expect(p.auditedAt).toBe(AUDITED_AT);
    expect(p.items[0]).toEqual(orphanItem);
    expect(p.items[1]).not.toHaveProperty('keys');
    expect(p.items[1]).toMatchObject({ class: 'retention', keyCount: 2, retention: { keepLast: 1, keepDays: 7 } });
  });
});
