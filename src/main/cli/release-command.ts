// `pipewright release init | status | promote | diff | share | lease | policy`: the release use-cases the
// app uses (releases/service.ts), from a terminal, on a release file (the local home, by its application)
// or on a release shared in S3, given by its URL (s3://bucket/prefix/release.yaml) and read and written with
// --state-profile (else the first workspace profile that can read it).
// Exit codes: 0 done (no drift), 1 a promotion failed, 2 bad input, 3 stopped at a gate (or another process
// holds the local promotion, or a lease lost mid-promotion), 4 some target could not be read, 5 drift found,
// 6 the environment is leased by someone else (a shared release; the holder is named).
import { existsSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { withServices } from './cli-services';
import { table } from './table';
import { AppError } from '../../shared/api/errors';
import { confirm, confirmationProblem } from '../../shared/safety/confirmation';
import type { Promotion } from '../../shared/api/releases';
import { isSharedRef, leaseHeld, promotionHeld, type ReleaseHome, type ReleasesService, type SharedHome } from '../releases';
import type { Services } from '../compose';
import { parseS3Location, s3Url } from '../../shared/releases/s3-layout';
import { POLICY_ROLES, policyText, releasePolicy, type PolicyRole } from '../../shared/releases/policy';
import { formatDiff } from '../../shared/pipeline/diff';
import { revisionMessage } from '../../shared/releases/promotion';
import { JsonFileError, readTextFile } from '../../node/json-file';
import { MAX_RELEASE_FILE_BYTES, parseReleaseFile, releaseErrorsText, stringifyReleaseFile, type ReleaseFile } from '../../shared/releases/release-file';
import { EXIT, UsageError } from './exit-codes';
import { checkRegions } from './input-checks';
import { isBadInput } from './error-exit';
import { terminalLine, terminalText } from '../../shared/terminal-text';

type Out = NodeJS.WritableStream;

class InvalidFile extends UsageError {}

async function readRelease(file: string): Promise<ReleaseFile> {
  let text: string;
  try {
    // Looked at before it is read, and read only up to the limit: /dev/zero, a FIFO or a huge file is refused at once.
    text = await readTextFile(file, { maxBytes: MAX_RELEASE_FILE_BYTES });
  } catch (err) {
    if (err instanceof JsonFileError) throw new InvalidFile(`${file}: ${err.detail}`);
    throw new InvalidFile(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const parsed = parseReleaseFile(text);
  if (!parsed.ok) throw new InvalidFile(releaseErrorsText(file, parsed.errors));
  return parsed.release;
}

/** Runs a release command: a bad file or bad input (the CLI's one rule), or a conflict to resolve first, is exit 2 with its message, never a stack. */
async function guarded(err: Out, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (e) {
    if (isBadInput(e) || (e instanceof AppError && e.code === 'CONFLICT')) {
      err.write(`${terminalText((e as Error).message)}\n`);
      // The environment of a shared release leased by someone else (exit 6, the holder named). Checked first: the
      // refusal names a holder too, as the local lock's does.
      if (e instanceof AppError && leaseHeld(e)) return EXIT.leased;
      // Another process holding the promotion (or a lease lost mid-promotion) is no bad input: it got there first
      // (exit 3, as a held cleanup plan).
      return e instanceof AppError && promotionHeld(e) ? EXIT.stopped : EXIT.usage;
    }
    throw e;
  }
}

/** Where a command's release is: the state profile goes with an S3 URL only. */
export interface ReleaseWhere {
  stateProfile?: string;
}

/**
 * Runs `run` over the release a command names: a FILE (read and checked before any service starts, then the
 * local home holds its promotions and log, by its application) or a shared release's URL (its location opened
 * with the state profile, and its release file read from there).
 */
async function withRelease<T>(
  ref: string,
  o: ReleaseWhere,
  run: (x: { services: Services; releases: ReleasesService; release: ReleaseFile; home: ReleaseHome; name: string }) => Promise<T>,
): Promise<T> {
  if (isSharedRef(ref)) {
    // A URL that is no location is bad input, said before any profile is read.
    const url = s3Url(parseS3Location(ref));
    return withServices(async (services) => {
      const home = await services.releases.sharedHome(ref, { stateProfile: o.stateProfile });
      const { release } = await home.storage.openRelease();
      return run({ services, releases: services.releases, release, home, name: `${url}release.yaml` });
    });
  }
  if (o.stateProfile !== undefined)
    throw new InvalidFile(`--state-profile is for a release shared in S3 (s3://bucket/prefix/release.yaml); ${ref} is a file in the local home.`);
  const release = await readRelease(ref);
  return withServices((services) => run({ services, releases: services.releases, release, home: services.releases.localHome, name: ref }));
}

/** A shared release's home and file, for the commands that only make sense there (lease). */
async function withShared<T>(
  url: string,
  o: ReleaseWhere,
  run: (x: { releases: ReleasesService; release: ReleaseFile; home: SharedHome }) => Promise<T>,
): Promise<T> {
  if (!isSharedRef(url)) throw new InvalidFile(`${url}: leases are a shared release's; give its S3 URL (s3://bucket/prefix/release.yaml).`);
  return withRelease(url, o, ({ releases, release, home }) => run({ releases, release, home: home as SharedHome }));
}

/** `--env dev=sandbox-dev:us-east-1:web-frontend[,PROFILE:REGION:PIPELINE]…` */
export function parseEnvOption(text: string): { name: string; targets: Array<{ profile: string; region: string; pipeline: string }> } {
  const i = text.indexOf('=');
  if (i < 1) throw new InvalidFile(`--env ${text}: expected NAME=PROFILE:REGION:PIPELINE[,PROFILE:REGION:PIPELINE]…`);
  const name = text.slice(0, i);
  const targets = text
    .slice(i + 1)
    .split(',')
    .map((t) => {
      const [profile, region, pipeline, ...rest] = t.split(':');
      if (!profile || !region || !pipeline || rest.length) throw new InvalidFile(`--env ${text}: each target is PROFILE:REGION:PIPELINE`);
      return { profile, region, pipeline };
    });
  return { name, targets };
}

export async function runReleaseInit(
  file: string,
  o: { application: string; env: string[]; force: boolean } & ReleaseWhere,
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  return guarded(err, async () => {
    if (!o.env.length) throw new InvalidFile('name at least one environment with --env NAME=PROFILE:REGION:PIPELINE');
    const shared = isSharedRef(file);
    if (!shared && o.stateProfile !== undefined) throw new InvalidFile(`--state-profile is for a release shared in S3; ${file} is a file.`);
    if (!shared && existsSync(file) && !o.force) throw new InvalidFile(`${file} exists: add --force to replace it`);
    const envs = o.env.map(parseEnvOption);
    const regions = envs.flatMap((e) => e.targets.map((t) => t.region));
    await checkRegions(regions, '--env');
    if (shared) return initShared(file, o, envs, out);
    // Where the file goes is checked before any pipeline is read: a missing folder is a mistyped path more
    // often than one to make, so it is named rather than created (or met with a raw ENOENT after the checks).
    const folder = dirname(resolve(file));
    const place = await stat(folder).catch(() => null);
    if (!place) throw new InvalidFile(`${file}: the folder ${folder} does not exist; create it first (mkdir -p ${folder}), or write the file elsewhere.`);
    if (!place.isDirectory()) throw new InvalidFile(`${file}: ${folder} is not a folder.`);
    if ((await stat(file).catch(() => null))?.isFile() === false) throw new InvalidFile(`${file} is not a regular file: write the release file elsewhere.`);
    const release = await withServices(({ releases }) => releases.init(o.application, envs));
    // Checked as any file read back would be (names, waves, one environment per pipeline).
    const text = stringifyReleaseFile(release, extname(file).toLowerCase() === '.json' ? 'json' : 'yaml');
    const again = parseReleaseFile(text);
    if (!again.ok) throw new InvalidFile(releaseErrorsText(file, again.errors));
    await writeFile(file, text);
    out.write(`Wrote ${file}: ${release.application}, ${release.environments.map((e) => `${e.name} (${e.targets.length})`).join(' -> ')}.\n`);
    return EXIT.ok;
  });
}

/**
 * `release init s3://bucket/prefix/release.yaml`: a new shared release, its file created only where there is none;
 * with --force, the file there replaced, saved over the version just read (a colleague's save in between is
 * refused, naming them). The location's other objects (promotions, log) are kept.
 */
async function initShared(
  url: string,
  o: { application: string; force: boolean; stateProfile?: string },
  envs: ReturnType<typeof parseEnvOption>[],
  out: Out,
): Promise<number> {
  const where = `${s3Url(parseS3Location(url))}release.yaml`;
  return withServices(async ({ releases }) => {
    const home = await releases.sharedHome(url, { stateProfile: o.stateProfile });
    const there = await home.storage.openRelease().catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'NOT_FOUND') return null;
      throw e;
    });
    if (there && !o.force)
      throw new InvalidFile(
        `${where} already holds the release of ${there.release.application}: add --force to replace its file (its promotions and log are kept).`,
      );
    const release = await releases.init(o.application, envs, { home });
    await home.storage.saveDefinition(release, { basedOn: there ? there.version : null });
    await home.storage.log(release.application, {
      promotionId: null,
      environment: null,
      event: 'release-saved',
      message: `Release file ${there ? 'replaced' : 'created'} by pipewright release init (${release.environments.length} environments).`,
    });
    out.write(`Wrote ${where}: ${release.application}, ${release.environments.map((e) => `${e.name} (${e.targets.length})`).join(' -> ')}.\n`);
    return EXIT.ok;
  });
}

const short = (id: string | null) => (id ? id.slice(0, 12) : '-');

/**
 * "checked 120/1000 targets" on standard error while a board is read (a large file takes minutes under the
 * call budget), never on standard output, which scripts read. On a terminal one line is rewritten in place and
 * cleared at the end; elsewhere (a log) a line every 5 s and the last count, so a quick run prints nothing.
 */
export function targetProgress(err: Out & { isTTY?: boolean }, now: () => number = Date.now) {
  let last = now();
  let shown = false;
  return {
    onProgress(done: number, total: number) {
      const line = `checked ${done}/${total} targets`;
      const finished = done === total;
      if (err.isTTY) {
        if (now() - last < 100 && !finished) return;
        last = now();
        shown = true;
        err.write(`\r${line}`);
      } else if (now() - last >= 5000 || (shown && finished)) {
        last = now();
        shown = true;
        err.write(`${line}\n`);
      }
    },
    end() {
      if (err.isTTY && shown) err.write('\r\x1b[K');
    },
  };
}

export async function runReleaseStatus(
  file: string,
  o: { json: boolean } & ReleaseWhere,
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  return guarded(err, async () => {
    const progress = targetProgress(err);
    const { board, location } = await withRelease(file, o, async ({ releases, release, home }) => ({
      board: await releases.board(release, { onProgress: (done, total) => progress.onProgress(done, total), home }),
      location: home.location,
    })).finally(() => progress.end());
    const problems = board.environments.flatMap((e) => e.targets.filter((t) => t.problem));
    if (o.json)
      out.write(
        JSON.stringify(
          {
            application: board.application,
            ...(location ? { location } : {}),
            checkedAt: board.checkedAt,
            environments: board.environments.map((e) => ({
              name: e.name,
              wave: e.wave + 1,
              behindPrevious: e.behindPrevious,
              driftCount: e.driftCount,
              gate: e.gate,
              ...(location ? { lease: e.lease ?? null, leaseProblem: e.leaseProblem ?? null } : {}),
              targets: e.targets.map((t) => ({
                pipeline: t.pipeline,
                profile: t.profile,
                account: t.account,
                region: t.region,
                revisionId: t.revisionId,
                revisionSummary: t.revisionSummary,
                deployedAt: t.deployedAt,
                executionId: t.executionId,
                status: t.status,
                approvalWaiting: t.approvalWaiting,
                problem: t.problem,
              })),
            })),
            running: board.promotions.filter((p) => p.status === 'running').map((p) => ({ id: p.id, environment: p.environment, revision: p.revision })),
          },
          null,
          2,
        ) + '\n',
      );
    else {
      out.write(
        table([
          ['ENV', 'PIPELINE', 'ACCOUNT', 'REGION', 'REVISION', 'SUMMARY', 'STATUS', 'APPROVAL'],
          ...board.environments.flatMap((e) =>
            e.targets.map((t) => [
              e.name,
              t.pipeline,
              t.account ?? '-',
              t.region,
              short(t.revisionId),
              (revisionMessage(t.revisionSummary) ?? '').split('\n')[0].slice(0, 40),
              t.problem ? `${t.problem.kind}` : (t.status ?? 'never ran'),
              t.approvalWaiting ? 'waiting' : '',
            ]),
          ),
        ]),
      );
      // Reasons and problems quote AWS's text: each line through the output filter (the table filters its cells).
      for (const e of board.environments) {
        if (e.behindPrevious) out.write(`${e.name} runs a different revision from ${e.previous}.\n`);
        if (e.driftCount) out.write(`${e.name}: ${e.driftCount} structural difference(s) from ${e.previous} (pipewright release diff).\n`);
        if (e.gate && !e.gate.open) out.write(terminalLine(`gate into ${e.name}: ${e.gate.reason}.`) + '\n');
        // Who is promoting it (a shared release): the lease's holder, or one that expired and may be taken over.
        if (e.lease)
          out.write(
            terminalLine(
              e.lease.state === 'held'
                ? `${e.name} is being promoted by ${e.lease.holderText}.`
                : `${e.name}: the lease of ${e.lease.holderText} expired; the next promote takes it over.`,
            ) + '\n',
          );
        if (e.leaseProblem) err.write(terminalLine(`${e.name}: ${e.leaseProblem}`) + '\n');
      }
      for (const t of problems) err.write(terminalLine(`${t.environment}: ${t.problem!.message}`) + '\n');
    }
    // A pipeline listed twice is the file's fault (bad input), not a target that could not be read.
    if (problems.some((t) => t.problem?.kind === 'duplicate')) return EXIT.usage;
    return problems.length ? EXIT.unverified : EXIT.ok;
  });
}

export async function runReleasePromote(
  file: string,
  o: { to: string; revision?: string; approve: boolean; confirmProd?: string; yes: boolean; allowUnpinned: boolean; json: boolean } & ReleaseWhere,
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  return guarded(err, async () => {
    // Every progress line (the release log's messages quote AWS's statuses, ids and errors) through the output filter.
    const say = (line: string) => (o.json ? err : out).write(terminalLine(line) + '\n');
    return withRelease(file, o, async ({ releases, release, home, name }) => {
      if (!release.environments.some((e) => e.name === o.to))
        throw new InvalidFile(`${name}: no environment named ${o.to} (it has ${release.environments.map((e) => e.name).join(', ')})`);
      // Every step of this environment's promotion, as the release log records it.
      const off = releases.onChange((c) => {
        if (c.location === home.location && c.log?.environment === o.to && c.log.event !== 'execution-starting' && c.log.event !== 'gate-blocked')
          say(c.log.message);
      });
      try {
        return await promoteAndFollow(releases, release, home);
      } finally {
        off();
      }
    });

    async function promoteAndFollow(releases: ReleasesService, release: ReleaseFile, home: ReleaseHome): Promise<number> {
      // Asked before anything starts: an approval that would be refused later must not leave pipelines running.
      const env = release.environments.find((e) => e.name === o.to)!;
      // The production word is checked before anything starts, so a refused approval never leaves pipelines running;
      // and with each target's account identified now, so a profile whose name and alias say nothing does not pass for safe.
      const request = o.approve ? await releases.resolveApprovalRequest({ environment: o.to, targets: env.targets }) : null;
      // The rule's own check (shared/safety/confirmation.ts); the CLI only words the answer as a flag to add.
      if (request?.productionWord && confirmationProblem(request, { words: [o.confirmProd ?? ''] }))
        throw new AppError('INVALID_INPUT', `${o.to} is a production environment: add --confirm-prod ${request.productionWord} to approve its approvals.`);
      const approve = request ? { confirmed: confirm(request, { words: [o.confirmProd ?? ''] }) } : undefined;
      const outcome = await releases.promote(release, o.to, { revision: o.revision, confirmed: o.yes, allowUnpinned: o.allowUnpinned, home });
      if (outcome.kind === 'blocked') {
        say(`Stopped at the gate into ${o.to}: ${outcome.gate.reason}${outcome.gate.kind === 'confirmation' ? ' (add --yes)' : ''}.`);
        if (o.json) out.write(JSON.stringify({ status: 'blocked', gate: outcome.gate }, null, 2) + '\n');
        return EXIT.stopped;
      }
      const promotion = outcome.promotion;
      say(
        `${outcome.resumed ? 'Resuming' : 'Promoting'} ${o.to} (${promotion.id})${promotion.revision ? ` to ${promotion.revision}` : ''}: ${promotion.targets
          .map((t) => `${t.pipeline} ${t.profile} ${t.region} ${t.executionId ?? 'not started'}`)
          .join('; ')}`,
      );
      const stop = new AbortController();
      const interrupt = () => stop.abort();
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      let final: Promotion;
      try {
        final = await releases.follow(promotion, { signal: stop.signal, approve, home });
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
      }
      if (o.json) out.write(JSON.stringify(final, null, 2) + '\n');
      if (final.status === 'running') {
        say(`Stopped following ${final.id}; run the same command again to resume it (nothing will start twice).`);
        return EXIT.interrupted;
      }
      if (final.status !== 'succeeded') say(`Release stopped: ${final.reason ?? final.status}.`);
      return final.status === 'succeeded' ? EXIT.ok : EXIT.failed;
    }
  });
}

export async function runReleaseDiff(
  file: string,
  o: { from: string; to: string; json: boolean } & ReleaseWhere,
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  return guarded(err, async () => {
    const view = await withRelease(file, o, ({ releases, release }) => releases.diff(release, o.from, o.to));
    if (o.json) out.write(JSON.stringify(view, null, 2) + '\n');
    else
      for (const t of view.targets) {
        out.write(`${t.from.pipeline} (${t.from.profile}, ${t.from.region}) -> ${t.to.pipeline} (${t.to.profile}, ${t.to.region}):\n`);
        // The changes quote the pipelines' declarations as AWS returned them.
        out.write(
          t.error
            ? `  unverified: ${terminalLine(t.error)}\n`
            : `${terminalText(formatDiff({ creates: false, v1ToV2: false, changes: t.changes })).replace(/^/gm, '  ')}\n`,
        );
      }
    if (view.targets.some((t) => t.error)) return EXIT.unverified;
    return view.drift ? EXIT.drift : EXIT.ok;
  });
}

/**
 * `release share FILE --to s3://bucket/prefix/`: the local release (its file, promotions and log) moved to S3
 * (release-share.ts). A location holding another release is refused (exit 2) before anything is written; one
 * holding this same release gets what is missing (a share made again).
 */
export async function runReleaseShare(file: string, o: { to: string } & ReleaseWhere, out: Out = process.stdout, err: Out = process.stderr): Promise<number> {
  return guarded(err, async () => {
    const url = `${s3Url(parseS3Location(o.to))}release.yaml`;
    const release = await readRelease(file);
    const r = await withServices(({ releases }) => releases.share(release, o.to, { stateProfile: o.stateProfile }));
    const count = (n: { written: number; present: number }, what: string) =>
      `${n.written + n.present} ${what}${n.present ? ` (${n.present} already there)` : ''}`;
    out.write(
      `${r.created || r.promotions.written || r.entries.written ? 'Shared' : 'Already shared:'} ${r.application} to ${url}: the release file${r.created ? '' : ' (already there)'}, ${count(r.promotions, 'promotion(s)')}, ${count(r.entries, 'log entries')}.\n` +
        `Promote it from there from now on: pipewright release promote ${url} --to ENV\n`,
    );
    return EXIT.ok;
  });
}

/** A lease in words, with its state now: held (refused), expired (the next promote takes it over), released. */
function leaseLine(l: NonNullable<Awaited<ReturnType<ReleasesService['lease']>>>): string {
  const s = Math.round(Math.abs(l.expiresInMs ?? 0) / 1000);
  if (l.state === 'held') return `${l.environment} is being promoted by ${l.holderText}; its lease expires in ${s}s unless renewed (${l.object}).`;
  if (l.state === 'expired') return `${l.environment}: the lease of ${l.holderText} expired ${s}s ago; the next promote takes it over (${l.object}).`;
  return `${l.environment}: the lease was released by ${l.holder.arn} at ${l.releasedAt ?? l.heartbeatAt}; nobody is promoting it (${l.object}).`;
}

/** `release lease show URL --env ENV`: who holds the environment's lease, since when, and until when. */
export async function runReleaseLeaseShow(
  url: string,
  o: { env: string; json: boolean } & ReleaseWhere,
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  return guarded(err, () =>
    withShared(url, o, async ({ releases, release, home }) => {
      assertEnvironment(release, o.env, url);
      const lease = await releases.lease(home, o.env);
      if (o.json) out.write(JSON.stringify({ lease }, null, 2) + '\n');
      else out.write(terminalLine(lease ? leaseLine(lease) : `${o.env}: no lease; nobody is promoting it.`) + '\n');
      return EXIT.ok;
    }),
  );
}

/**
 * `release lease release URL --env ENV [--force ARN]`: marks the lease released. Only an expired one, or, with
 * --force naming its holder's ARN, one still held (leaseBreak in src/shared/releases/lease.ts): that holder then
 * starts nothing more, and the release log says who broke whose lease. Held and not forced: exit 6, as a promote.
 */
export async function runReleaseLeaseRelease(
  url: string,
  o: { env: string; force?: string } & ReleaseWhere,
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  return guarded(err, () =>
    withShared(url, o, async ({ releases, release, home }) => {
      assertEnvironment(release, o.env, url);
      try {
        const { outcome, was } = await releases.breakLease(home, o.env, o.force);
        if (outcome.kind === 'nothing') out.write(terminalLine(`Nothing to release on ${o.env}: ${outcome.reason}.`) + '\n');
        else if (outcome.kind === 'break' && was)
          out.write(
            terminalLine(
              outcome.forced
                ? `Broke the lease on ${o.env} held by ${was.holderText}: it starts nothing more; what it started runs on, and the next promote resumes it (logged).`
                : `Released the expired lease on ${o.env} of ${was.holderText} (logged).`,
            ) + '\n',
          );
        return EXIT.ok;
      } catch (e) {
        // Refused because it is held: the way on is said (after the holder, which guarded prints).
        if (e instanceof AppError && leaseHeld(e) && !o.force) {
          const holder = (e.details as { holder?: { arn?: string } }).holder?.arn ?? 'ARN';
          throw new AppError('CONFLICT', `${e.message}\nTo break it anyway: --force ${holder}`, e.details);
        }
        throw e;
      }
    }),
  );
}

function assertEnvironment(release: ReleaseFile, env: string, name: string): void {
  if (!release.environments.some((e) => e.name === env))
    throw new InvalidFile(`${name}: no environment named ${env} (it has ${release.environments.map((e) => e.name).join(', ')})`);
}

/**
 * `release policy [URL] [--role ROLE]`: the least IAM policy per role on the location (src/shared/releases/policy.ts).
 * Every role, each after a comment line saying what it is for; one role alone is plain JSON (for aws iam put-role-policy).
 * Without a URL, BUCKET and PREFIX/ stand in for the location, said on the first line.
 */
export async function runReleasePolicy(url: string | undefined, o: { role?: string }, out: Out = process.stdout, err: Out = process.stderr): Promise<number> {
  // Pure: no profile is read, nothing is asked of AWS.
  return guarded(err, () => {
    const loc = url === undefined ? { bucket: 'BUCKET', prefix: 'PREFIX/' } : parseS3Location(url);
    if (o.role !== undefined && !(POLICY_ROLES as readonly string[]).includes(o.role))
      throw new InvalidFile(`--role ${o.role}: one of ${POLICY_ROLES.join(', ')}`);
    if (o.role) out.write(JSON.stringify(releasePolicy(loc, o.role as PolicyRole), null, 2) + '\n');
    else {
      if (url === undefined) out.write('# BUCKET and PREFIX/ stand for the location: pipewright release policy s3://bucket/prefix/ writes them in.\n');
      out.write(policyText(loc));
    }
    return Promise.resolve(EXIT.ok);
  });
}
