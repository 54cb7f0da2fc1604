// `pipewright release init | status | promote | diff`: the release use-cases the
// app uses (services/releases-service.ts), from a terminal, on a release file.
// Exit codes: 0 done (no drift), 1 a promotion failed, 2 bad input,
// 3 stopped at a gate, 4 some target could not be read, 5 drift found.
import { existsSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { withServices } from './cli-services';
import { table } from './table';
import { AppError } from '../../shared/api/errors';
import { confirm, confirmationProblem } from '../../shared/safety/confirmation';
import type { Promotion } from '../../shared/api/releases';
import { promotionHeld, type ReleasesService } from '../releases';
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
      // Another process holding the promotion is no bad input: it got there first (exit 3, as a held cleanup plan).
      return e instanceof AppError && promotionHeld(e) ? EXIT.stopped : EXIT.usage;
    }
    throw e;
  }
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
  o: { application: string; env: string[]; force: boolean },
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  return guarded(err, async () => {
    if (!o.env.length) throw new InvalidFile('name at least one environment with --env NAME=PROFILE:REGION:PIPELINE');
    if (existsSync(file) && !o.force) throw new InvalidFile(`${file} exists: add --force to replace it`);
    const envs = o.env.map(parseEnvOption);
    const regions = envs.flatMap((e) => e.targets.map((t) => t.region));
    await checkRegions(regions, '--env');
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

export async function runReleaseStatus(file: string, o: { json: boolean }, out: Out = process.stdout, err: Out = process.stderr): Promise<number> {
  return guarded(err, async () => {
    const release = await readRelease(file);
    const progress = targetProgress(err);
    const board = await withServices(({ releases }) => releases.board(release, progress)).finally(() => progress.end());
    const problems = board.environments.flatMap((e) => e.targets.filter((t) => t.problem));
    if (o.json)
      out.write(
        JSON.stringify(
          {
            application: board.application,
            checkedAt: board.checkedAt,
            environments: board.environments.map((e) => ({
              name: e.name,
              wave: e.wave + 1,
              behindPrevious: e.behindPrevious,
              driftCount: e.driftCount,
              gate: e.gate,
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
  o: { to: string; revision?: string; approve: boolean; confirmProd?: string; yes: boolean; allowUnpinned: boolean; json: boolean },
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  return guarded(err, async () => {
    const release = await readRelease(file);
    if (!release.environments.some((e) => e.name === o.to))
      throw new InvalidFile(`${file}: no environment named ${o.to} (it has ${release.environments.map((e) => e.name).join(', ')})`);
    // Every progress line (the release log's messages quote AWS's statuses, ids and errors) through the output filter.
    const say = (line: string) => (o.json ? err : out).write(terminalLine(line) + '\n');
    return withServices(async ({ releases }) => {
      // Every step of this environment's promotion, as the release log records it.
      const off = releases.onChange((c) => {
        if (c.log?.environment === o.to && c.log.event !== 'execution-starting' && c.log.event !== 'gate-blocked') say(c.log.message);
      });
      try {
        return await promoteAndFollow(releases);
      } finally {
        off();
      }
    });

    async function promoteAndFollow(releases: ReleasesService): Promise<number> {
      // Asked before anything starts: an approval that would be refused later must not leave pipelines running.
      const env = release.environments.find((e) => e.name === o.to)!;
      // The production word is checked before anything starts, so a refused approval never leaves pipelines running;
      // and with each target's account identified now, so a profile whose name and alias say nothing does not pass for safe.
      const request = o.approve ? await releases.resolveApprovalRequest({ environment: o.to, targets: env.targets }) : null;
      // The rule's own check (shared/safety/confirmation.ts); the CLI only words the answer as a flag to add.
      if (request?.productionWord && confirmationProblem(request, { words: [o.confirmProd ?? ''] }))
        throw new AppError('INVALID_INPUT', `${o.to} is a production environment: add --confirm-prod ${request.productionWord} to approve its approvals.`);
      const approve = request ? { confirmed: confirm(request, { words: [o.confirmProd ?? ''] }) } : undefined;
      const outcome = await releases.promote(release, o.to, { revision: o.revision, confirmed: o.yes, allowUnpinned: o.allowUnpinned });
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
        final = await releases.follow(promotion, { signal: stop.signal, approve });
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
  o: { from: string; to: string; json: boolean },
  out: Out = process.stdout,
  err: Out = process.stderr,
): Promise<number> {
  return guarded(err, async () => {
    const release = await readRelease(file);
    const view = await withServices(({ releases }) => releases.diff(release, o.from, o.to));
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
