// `pipewright artifacts audit | plan | clean`: the artifact audit, the plan, and
// the cleanup run from a terminal, with the app's own engine. Audit exits 4 when
// its coverage is incomplete; plan carries only items whose own evidence is complete
// and names what it left out (exit 4 unless --allow-incomplete). Clean is a dry run
// unless --yes, and --yes needs every account of the plan confirmed.
import { writeFile } from 'node:fs/promises';
import { buildPlan, type AuditReport, type PlanOptions } from '../../shared/artifacts/report';
import { leftOutOfPlan } from '../../shared/artifacts/evidence';
import { AuditReportSchema } from '../../shared/api/artifacts';
import { regionsToCover } from '../artifacts';
import { JsonFileError, MAX_LARGE_JSON_FILE_BYTES, readJsonFile, readTextFile } from '../../node/json-file';
import { checkPolicy, DEFAULT_RETENTION, RetentionError } from '../../shared/artifacts/retention';
import { checkPlanAgainstAudit, parsePlan, PlanError, type CleanupPlan } from '../../shared/artifacts/plan';
import { auditedPrefixes } from '../../shared/artifacts/report';
import { accountProductionWord, confirm, missingCleanupConfirmations, planAccounts, planAliasNote, productionReason } from '../../shared/safety/confirmation';
import { EXIT, UsageError } from './exit-codes';
import { AppError } from '../../shared/api/errors';
import { terminalLine } from '../../shared/terminal-text';
import { currentBlocklists, withServices } from './cli-services';

/** A line quoting AWS's text (bucket names, keys, error messages): through the output filter, then ended. */
const line = (text: string) => terminalLine(text) + '\n';
const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 3 : 1)} GiB`;

export async function runArtifactsAudit(
  o: { profile: string[]; region: string[]; allRegions: boolean; json: boolean; out?: string },
  stdout = process.stdout,
  stderr = process.stderr,
): Promise<number> {
  return withServices(async ({ accounts, artifacts }) => {
    const { pairs } = accounts.scope({ profiles: o.profile, regions: o.region, allRegions: o.allRegions });
    if (!pairs.length) throw new UsageError('Nothing to audit: give --profile and --region (or set them in your AWS config).');
    const blocks = await currentBlocklists();
    stderr.write(
      `Pipelines are read in every region of each account (${regionsToCover(pairs.map((p) => p.region)).length} regions), not only the ${[...new Set(pairs.map((p) => p.region))].join(', ')} chosen: a pipeline anywhere may write to these buckets.\n`,
    );
    const report = await artifacts.audit(pairs, {
      signal: new AbortController().signal,
      blockedAccounts: blocks.blockedAccounts,
      blockedBuckets: blocks.blockedBuckets,
      pricePerGbMonth: blocks.pricePerGbMonth,
      onProgress: (p) => stderr.isTTY && stderr.write(`\r${p.phase}: ${p.done}/${p.total}, ${p.objects} object versions scanned   `),
    });
    if (stderr.isTTY) stderr.write('\n');
    for (const e of report.errors) stderr.write(line(`${e.profile} ${e.region ?? ''} ${e.bucket ?? ''}: ${e.kind}: ${e.message}`));
    const text = JSON.stringify(report, null, 2) + '\n';
    if (o.out) await writeFile(o.out, text);
    if (o.json && !o.out) stdout.write(text);
    else {
      for (const b of report.buckets) {
        stdout.write(
          line(
            `${b.accountAlias ?? b.accountId} ${b.region} s3://${b.name}  ${b.totals.versions} versions, ${b.totals.deleteMarkers} delete markers, ${gb(b.totals.bytes)}, $${b.totals.monthlyCost}/month${b.unused ? '  [no pipeline uses it]' : ''}${b.protected ? '  [protected]' : ''}`,
          ),
        );
        for (const p of b.prefixes)
          stdout.write(
            line(
              `  ${p.class.padEnd(10)} ${p.prefix.padEnd(21)} ${String(p.versions).padStart(7)} versions ${gb(p.bytes).padStart(10)} $${p.monthlyCost}${p.claimedBy.length ? `  ← ${p.claimedBy.map((c) => c.name).join(', ')}` : ''}${
                p.folders.some((f) => f.stale)
                  ? `  stale: ${p.folders
                      .filter((f) => f.stale)
                      .map((f) => f.folder)
                      .join(', ')}`
                  : ''
              }`,
            ),
          );
        if (b.foreign.versions) stdout.write(line(`  foreign ${b.foreign.versions} versions not in the artifact layout (e.g. ${b.foreign.sample.join(', ')})`));
      }
      if (o.out) stdout.write(`Report written to ${o.out}\n`);
    }
    writeCoverage(report, o.json && !o.out ? stderr : stdout);
    if (report.buckets.length === 0 && report.errors.length > 0 && !report.coverage?.accounts.length) return EXIT.failed;
    // Incomplete evidence is a distinct outcome: the report is written, but no verdict of absence stands on it.
    return report.coverage?.complete ? EXIT.ok : EXIT.unverified;
  }, stderr);
}

function writeCoverage(report: AuditReport, out: NodeJS.WritableStream): void {
  const c = report.coverage;
  if (!c) return;
  out.write(`\nCoverage (pipelines listed per account, in every region):\n`);
  for (const a of c.accounts) {
    out.write(
      `  ${a.alias ?? a.accountId} (${a.accountId}, via ${a.profile}${a.profiles.length > 1 ? `; also reached by ${a.profiles.slice(1).join(', ')}` : ''}): ${a.listed.length} regions listed, ${a.notEnabled.length} not enabled, ${a.failed.length} failed\n`,
    );
    for (const f of a.failed) out.write(line(`    failed  ${f.region}: ${f.code}: ${f.message}`));
    if (a.regionStatusError) out.write(line(`    account:ListRegions failed (${a.regionStatusError}): opt-in regions that fail cannot be proven disabled`));
    for (const h of a.historyFailed) out.write(line(`    no history ${h.region} ${h.pipeline}: ${h.message} (no retention for it)`));
  }
  for (const p of c.unreachableProfiles) out.write(line(`  profile ${p.profile}: not reached (${p.message})`));
  const unverified = report.unverified ?? [];
  if (unverified.length) {
    out.write(`${unverified.length} prefixes are unverified (no pipeline seen, but the evidence is incomplete): never planned, never deleted.\n`);
    for (const u of unverified.slice(0, 20)) out.write(line(`  s3://${u.bucket}/${u.prefix}/: ${u.reason}`));
  }
  out.write(c.complete ? 'Coverage complete.\n' : 'Coverage INCOMPLETE: exit 4. `artifacts plan` leaves out what lacks evidence and names it.\n');
}

/** An audit report file, parsed with the contract's schema: a clear error naming the file and the path. */
async function readReport(file: string): Promise<AuditReport> {
  try {
    return await readJsonFile(file, AuditReportSchema, { maxBytes: MAX_LARGE_JSON_FILE_BYTES });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${file}: no such file`);
    throw new UsageError(`${file} is not a Pipewright audit report: ${err instanceof JsonFileError ? err.detail : (err as Error).message.split('\n')[0]}`);
  }
}

/** A cleanup plan file: one that cannot be read or is not a plan is bad input naming it (the app's INVALID_INPUT). */
async function readPlan(file: string): Promise<CleanupPlan> {
  try {
    return parsePlan(await readTextFile(file, { maxBytes: MAX_LARGE_JSON_FILE_BYTES }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${file}: no such file`);
    if (err instanceof PlanError || err instanceof JsonFileError) throw new UsageError(`${file}: ${err instanceof JsonFileError ? err.detail : err.message}`);
    throw err;
  }
}

/** The plan against the audit it came from: a plan reaching outside it is refused, as bad input (nothing is deleted). */
function checkAgainstAudit(plan: CleanupPlan, report: AuditReport, planFile: string): void {
  try {
    checkPlanAgainstAudit(plan, auditedPrefixes(report));
  } catch (err) {
    if (err instanceof PlanError) throw new UsageError(`${planFile}: ${err.message}`);
    throw err;
  }
}

export function parseAge(s: string): number {
  const m = /^(\d+)d$/.exec(s);
  if (!m) throw new UsageError(`--older-than ${s}: takes days, like 30d`);
  return Number(m[1]);
}

function parseCount(flag: string, s: string | undefined, fallback: number): number {
  if (s === undefined) return fallback;
  if (!/^\d+$/.test(s)) throw new UsageError(`${flag} takes a whole number, not ${s}.`);
  return Number(s);
}

export async function runArtifactsPlan(
  o: { from: string; include: string; olderThan?: string; keepLast?: string; keepDays?: string; allowIncomplete?: boolean; out: string },
  stdout = process.stdout,
  stderr = process.stderr,
): Promise<number> {
  const report = await readReport(o.from);
  if (!report.coverage) throw new UsageError(`${o.from} cannot be planned from: it records no coverage (written by an older Pipewright): audit again.`);
  const include = o.include.split(',').map((s) => s.trim());
  for (const i of include)
    if (i !== 'orphan' && i !== 'stale' && i !== 'retention') throw new UsageError(`--include takes orphan, stale and/or retention, not ${i}.`);
  if ((o.keepLast !== undefined || o.keepDays !== undefined) && !include.includes('retention'))
    throw new UsageError('--keep-last and --keep-days apply to --include retention.');
  const retention = {
    keepLast: parseCount('--keep-last', o.keepLast, DEFAULT_RETENTION.keepLast),
    keepDays: parseCount('--keep-days', o.keepDays, DEFAULT_RETENTION.keepDays),
  };
  try {
    checkPolicy(retention);
  } catch (err) {
    if (err instanceof RetentionError) throw new UsageError(`--keep-last ${retention.keepLast} --keep-days ${retention.keepDays}: ${err.message}`);
    throw err;
  }
  const plan = buildPlan(report, { include: include as PlanOptions['include'], olderThanDays: o.olderThan ? parseAge(o.olderThan) : undefined, retention });
  checkPlanAgainstAudit(plan, auditedPrefixes(report));
  await writeFile(o.out, JSON.stringify(plan, null, 2) + '\n');
  // The plan carries only what has its evidence; what it could not carry is named, with why.
  const leftOut = leftOutOfPlan(report).filter((l) =>
    l.kind === 'orphan' ? include.includes('orphan') : include.includes('stale') || include.includes('retention'),
  );
  for (const l of leftOut.slice(0, 20)) stderr.write(line(`Left out (${l.kind}): s3://${l.bucket}/${l.prefix}/: ${l.reason}`));
  if (leftOut.length > 20) stderr.write(`… and ${leftOut.length - 20} more left out.\n`);
  const versions = plan.items.reduce((n, i) => n + i.expected.versions + i.expected.deleteMarkers, 0);
  if (include.includes('retention'))
    stdout.write(
      `Retention: keeps each live pipeline's last ${retention.keepLast} successful executions and everything from the last ${retention.keepDays} days (the latest success always).\n`,
    );
  stdout.write(
    `Plan written to ${o.out}: ${plan.items.length} prefixes, ${versions} versions and delete markers, ${gb(plan.items.reduce((n, i) => n + i.expected.bytes, 0))}. Review it, then: pipewright artifacts clean --plan ${o.out} --report ${o.from}\n`,
  );
  if (leftOut.length && !o.allowIncomplete) {
    stderr.write(`${leftOut.length} prefixes were left out for incomplete evidence (exit 4); --allow-incomplete accepts that (they are never planned).\n`);
    return EXIT.unverified;
  }
  // A bucket or account that could not be read at all has no prefixes to leave out: it is said all the same.
  // (A pipeline's unread history holds back only its own prefixes, named above when they matter.)
  const unread = [
    ...report.errors.map((e) => `${e.profile}${e.bucket ? ` s3://${e.bucket}` : ''}: ${e.message}`),
    ...report.coverage.unreachableProfiles.map((p) => `profile ${p.profile} unreachable: ${p.message}`),
  ];
  if (unread.length && !o.allowIncomplete) {
    stderr.write(
      `Not in this plan, since the audit could not read it: ${unread.slice(0, 5).join('; ')}${unread.length > 5 ? `; and ${unread.length - 5} more` : ''} (exit 4; --allow-incomplete accepts that).\n`,
    );
    return EXIT.unverified;
  }
  return EXIT.ok;
}

/**
 * Another run holds the plan (the app, another terminal): its refusal, naming it.
 * Exit 3, not 1 or 2: nothing failed and the input was fine; as with a deploy
 * conflict, another actor got there first, and running it again later resumes.
 */
function busyRefusal(err: unknown): AppError {
  if (err instanceof AppError && err.code === 'CONFLICT') return err;
  throw err;
}

export async function runArtifactsClean(
  o: { plan: string; report?: string; yes: boolean; confirmAccount: string[]; confirmProd: string[] },
  stdout = process.stdout,
  stderr = process.stderr,
): Promise<number> {
  const plan = await readPlan(o.plan);
  let against: AuditReport | 'unchecked' = 'unchecked';
  if (o.report) {
    // The plan may only name what this audit found deletable (checked again by the service).
    against = await readReport(o.report);
    if (against.generatedAt !== plan.auditedAt)
      stderr.write(`Note: the plan was made from the audit of ${plan.auditedAt}, and ${o.report} is from ${against.generatedAt}.\n`);
    checkAgainstAudit(plan, against, o.plan);
  } else
    stderr.write(
      'No --report given: the plan is not checked against an audit (each prefix is still re-checked before deletion: protection, and live pipelines in every region).\n',
    );
  const accounts = planAccounts(plan.items);
  const typed = { words: o.confirmAccount, production: o.confirmProd };
  return withServices(async ({ artifacts }) => {
    let confirmed = null;
    if (o.yes) {
      // Every account as it is known now (its live alias, every profile reaching it, the
      // settings), never as the plan says: a plan's alias neither confirms an account nor
      // makes it less production. Everything missing is said at once.
      const request = await artifacts.cleanupRequest(plan);
      for (const a of request.accounts) {
        const note = planAliasNote(a);
        if (note) stderr.write(line(`Note: ${note}.`));
      }
      const { untyped, unconfirmedProd } = missingCleanupConfirmations(request.accounts, typed);
      if (untyped.length)
        stderr.write(
          line(
            `Deleting needs every account of the plan confirmed, by its id or its alias as read now: add ${untyped.map((a) => `--confirm-account ${a.accountId}`).join(' ')}`,
          ),
        );
      for (const a of unconfirmedProd)
        stderr.write(line(`${upperFirst(productionReason(a))}. Confirm it again: add --confirm-prod ${accountProductionWord(a)}`));
      if (untyped.length || unconfirmedProd.length) return EXIT.usage;
      confirmed = confirm(request, typed);
    }
    const ac = new AbortController();
    const onSignal = () => ac.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let lastLine = 0;
    const running = artifacts.clean(plan, {
      against,
      confirmed,
      dryRun: !o.yes,
      signal: ac.signal,
      program: 'pipewright cli', // named as the releases' lock names it (cli-services.ts)
      onProgress: (p) => {
        const pct = p.expectedObjects ? Math.min(100, Math.round((100 * p.objects) / p.expectedObjects)) : 100;
        const line = `${p.objects}/${p.expectedObjects} versions (${pct}%), ${gb(p.bytes)}, ${p.ratePerSec.toFixed(0)}/s${p.etaSec !== null ? `, ETA ${Math.ceil(p.etaSec)}s` : ''}`;
        if (stderr.isTTY) {
          const bar = '█'.repeat(Math.round(pct / 4)).padEnd(25, '░');
          stderr.write(`\r${bar} ${line}   `);
        } else if (Date.now() - lastLine > 1000) {
          lastLine = Date.now();
          stderr.write(`${line}\n`);
        }
      },
    });
    const r = await running.catch(busyRefusal);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (r instanceof AppError) {
      stderr.write(line(r.message));
      return EXIT.stopped;
    }
    if (stderr.isTTY) stderr.write('\n');
    for (const s of r.skipped) stdout.write(line(`skipped s3://${s.bucket}/${s.prefix}: ${s.reason}`));
    if (r.dryRun) {
      stdout.write(
        `Dry run: would delete ${r.deletedVersions} versions and delete markers (${gb(r.deletedBytes)}) in ${plan.items.length - r.skipped.length} prefixes. Nothing was deleted; run again with --yes ${accounts.map((a) => `--confirm-account ${a.accountId}`).join(' ')}\n`,
      );
      return EXIT.ok;
    }
    stdout.write(
      `${r.resumed ? 'Resumed; ' : ''}deleted ${r.deletedVersions} versions and delete markers (${gb(r.deletedBytes)}). Audit log: ${artifacts.auditLogPath}\n`,
    );
    if (r.slowDowns) stdout.write(`S3 asked to slow down ${r.slowDowns} times; those batches were paced and sent again.\n`);
    if (r.cancelled) {
      stdout.write(`Cancelled. Run the same command again to resume from ${r.checkpoint}.\n`);
      return EXIT.stopped;
    }
    // Items that could not be re-checked are not done either: exit 4 (unverified), or 1 when keys failed.
    if (r.skipped.some((x) => x.unverified))
      stdout.write('Some prefixes could not be re-checked and were left alone: run the same command again once their accounts are reachable.\n');
    // Nor are items another run was deleting under: exit 3, as when it holds the plan.
    if (r.skipped.some((x) => x.busy))
      stdout.write('Another run was deleting under some prefixes, which were left alone: run the same command again once it has finished, to resume them.\n');
    for (const f of r.failed.slice(0, 50)) stdout.write(line(`failed s3://${f.bucket}/${f.key} (version ${f.versionId}): ${f.code} ${f.message}`));
    if (r.failed.length > 50) stdout.write(`… and ${r.failed.length - 50} more (see the audit log)\n`);
    if (r.failed.length) return EXIT.failed;
    if (r.skipped.some((x) => x.unverified)) return EXIT.unverified;
    if (r.skipped.some((x) => x.busy)) return EXIT.stopped;
    return EXIT.ok;
  }, stderr);
}
