// `pipewright release share FILE --to s3://bucket/prefix/`: a release kept in the local home moved to S3 with its
// history, so nothing of it is lost: the release file, every promotion (running ones refused: see below) and the
// whole log, each entry at its own number and with its own time.
//
// The release file is written first, only if the location has none (If-None-Match: *): that claims the location,
// so a second share of another release there is refused before anything of it is written. A location that already
// holds this very release (the same application and the same file) is a share made again, after an interruption
// or twice: what is missing is written, what is there is left, and nothing is duplicated (each log entry carries a
// write id made from itself and its place; each promotion is created only if absent).
import { AppError } from '../../shared/api/errors';
import type { Promotion, ReleaseLogEntry } from '../../shared/api/releases';
import { stringifyReleaseFile, type ReleaseFile } from '../../shared/releases/release-file';
import type { SharedHome } from './release-homes';
import type { ReleaseStore } from './release-store';

export interface ShareOutcome {
  location: string;
  application: string;
  /** The release file was written now (false: the location held this same release already). */
  created: boolean;
  promotions: { written: number; present: number };
  entries: { written: number; present: number };
}

export async function shareRelease(release: ReleaseFile, local: ReleaseStore, home: SharedHome): Promise<ShareOutcome> {
  const application = release.application;
  // Read in full before anything is written: a damaged promotions.json stops the share (named), never shares "none".
  const promotions: Promotion[] = await local.promotions(application);
  const url = `${home.location}release.yaml`;
  // The local log's note of an earlier share to this location is not copied: the shared log records the share on
  // its own, and the note, written after the copy, would stand where a share made again finds that record.
  const entries: ReleaseLogEntry[] = (await local.history(application, Number.MAX_SAFE_INTEGER)).filter(
    (e) => !(e.event === 'release-shared' && e.message.includes(url)),
  );
  const running = promotions.filter((p) => p.status === 'running');
  if (running.length)
    throw new AppError(
      'CONFLICT',
      `${application} has ${running.length} promotion(s) running here (${running.map((p) => `${p.environment}: ${p.id}`).join(', ')}): let them finish or stop them, then share. A promotion followed in two homes would be split in two.`,
      { running: running.map((p) => p.id) },
    );

  const mine = stringifyReleaseFile(release);
  const there = await home.storage.openRelease().catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
    // A release file there that cannot be read (or another application's) is named, and nothing is written.
    throw err;
  });
  if (there && (there.release.application !== application || stringifyReleaseFile(there.release) !== mine))
    throw new AppError(
      'CONFLICT',
      there.release.application === application
        ? `${url} already holds ${application} with another release file (${headerOf(there.text)}): nothing was written. Open it there instead (pipewright release status ${url}), or share to another location.`
        : `${url} already holds the release of ${there.release.application} (${headerOf(there.text)}): nothing was written; share ${application} to another location.`,
      { object: url, application: there.release.application },
    );
  // Absent: created only if still absent; one created meanwhile by another share is judged by the store (the same
  // release is taken as done, another is a conflict naming who saved it).
  if (!there) await home.storage.saveDefinition(release, { basedOn: null });

  const shared = { written: 0, present: 0 };
  // Oldest first, so a share cut short has copied a prefix of the history.
  for (const p of [...promotions].reverse()) shared[await home.storage.importPromotion(p)]++;
  const log = await home.storage.importLog(application, entries);
  return { location: home.location, application, created: !there, promotions: shared, entries: log };
}

/** Who saved a shared release file, from its first line. */
function headerOf(text: string): string {
  const m = /^# pipewright revision (\d+), saved by (.*) on (.*) at (\S+)/.exec(text);
  return m ? `revision ${m[1]}, saved by ${m[2]} on ${m[3]} at ${m[4]}` : 'not signed by Pipewright';
}
