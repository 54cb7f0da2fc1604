// One reader per hub queue on a machine (issue 24). The app and the CLI's
// `executions watch` compose the same services; each would long-poll and delete
// from the same queue, so each would see only part of the events and the sweep
// would then "miss" the rest. So the reader of a queue holds a lease on it (a lock
// file in the user-data home, per queue URL; lock-file.ts takes over a dead
// process's), and any other process there polls those targets instead.
//
// The reader also keeps what it heard per target (account/region) in a small
// record beside the lease, written only by the lease's holder, so `pipewright
// events status` (a process that reads no queue) can say when the last event came.
//
// A known limit: the lease is per home, so two machines that share one hub (two
// users, each running Pipewright) still split its queue between them. The issue
// prescribes one queue per hub region, so it stays; a miss the split causes says so
// (coverage.ts, sharedQueueHint).
//
// A queue is its region and URL together: AWS's URLs name the region, but an endpoint's
// (the sandbox's, <endpoint>/<account>/<name>) need not, and the default setup has a hub
// queue of the same name in every watched region.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../node/atomic-file';
import { readJsonFile } from '../../node/json-file';

export interface HubQueue {
  region: string;
  url: string;
}

/** One string per queue (region and URL), for maps and file names. */
export const queueKey = (q: HubQueue) => `${q.region} ${q.url}`;

const fileStem = (home: string, q: HubQueue) => join(home, 'events', 'readers', createHash('sha256').update(queueKey(q)).digest('hex').slice(0, 32));

/** The lock file whose holder reads this queue. */
export const readerLeasePath = (home: string, q: HubQueue) => `${fileStem(home, q)}.lock`;

const ReaderRecord = z.object({
  version: z.literal(1),
  queueUrl: z.string(),
  region: z.string(),
  /** Per "account/region": when the reader last took an event of that target from the queue (ISO). */
  lastEvents: z.record(z.string(), z.string()),
});

const recordPath = (home: string, q: HubQueue) => `${fileStem(home, q)}.json`;

/** When the queue's reader last heard each target ("account/region" → ISO); empty when no reader wrote one, or it cannot be read. */
export async function readLastEvents(home: string, q: HubQueue): Promise<Record<string, string>> {
  try {
    const r = await readJsonFile(recordPath(home, q), ReaderRecord);
    return r.queueUrl === q.url && r.region === q.region ? r.lastEvents : {};
  } catch {
    return {};
  }
}

/** Only the lease's holder writes it, so no lock is needed beyond the lease. */
export async function writeLastEvents(home: string, q: HubQueue, lastEvents: Record<string, string>): Promise<void> {
  await writeFileAtomic(recordPath(home, q), JSON.stringify({ version: 1, queueUrl: q.url, region: q.region, lastEvents }, null, 2));
}

/** The later of two ISO times, either missing. */
export function laterOf(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}
