// `--data DIR`: the sandbox's state as one JSON snapshot, written atomically
// shortly after each change and on exit, and read back at start. Executions in
// flight at snapshot time come back as Stopped: their timers did not survive.
import { z } from 'zod';
import { join } from 'node:path';
import { writeFileAtomic } from '../node/atomic-file';
import { JsonFileError, MAX_LARGE_JSON_FILE_BYTES, readJsonFile } from '../node/json-file';
import type { PipelineRecord } from './services/codepipeline/records';
import type { SandboxCore } from './sandbox-core';
import type { Bucket, ObjectVersion } from './services/s3/store';
import type { SqsQueue } from './services/sqs/store';
import { SEED_NAMES, type SeedName } from './sandbox-core';
import type { EventsSnapshot } from './services/events/store';
import type { RoleSnapshot } from './services/iam/api';

interface SnapshotV1 {
  formatVersion: 1;
  seed: SeedName;
  pipelines: PipelineRecord[];
  buckets: Array<Omit<Bucket, 'objects' | 'sortedKeys'> & { objects: Array<[string, Array<Omit<ObjectVersion, 'body'> & { body: string }>]> }>;
  /** SQS queues with their messages (absent from snapshots written before the sandbox had SQS). */
  queues?: SqsQueue[];
  /** EventBridge's buses and rules (absent from snapshots written before it). */
  events?: EventsSnapshot;
  /** IAM's roles with their inline policies (absent from snapshots written before they were kept). */
  roles?: RoleSnapshot[];
}

/**
 * What load() relies on, checked before any of it is trusted; records keep their
 * other fields as written (loose objects), since the sandbox wrote them itself.
 */
const SnapshotShape = z.object({
  formatVersion: z.literal(1),
  seed: z.enum(SEED_NAMES),
  pipelines: z.array(
    z.looseObject({
      accountId: z.string().regex(/^\d{12}$/),
      region: z.string().min(1),
      name: z.string().min(1).max(100),
      versions: z.array(z.looseObject({ name: z.string(), stages: z.array(z.looseObject({})) })).min(1),
      executions: z.array(z.looseObject({ status: z.string(), actions: z.array(z.looseObject({ status: z.string() })) })),
    }),
  ),
  buckets: z.array(
    z.looseObject({
      name: z.string().min(3).max(63),
      accountId: z.string().regex(/^\d{12}$/),
      region: z.string().min(1),
      objects: z.array(
        z.tuple([z.string(), z.array(z.looseObject({ versionId: z.string(), deleteMarker: z.boolean(), body: z.string(), lastModified: z.number() }))]),
      ),
    }),
  ),
  // Optional, as SnapshotV1 says: snapshots written before the sandbox had SQS have none.
  queues: z
    .array(
      z.looseObject({
        arn: z.string().regex(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}$/),
        accountId: z.string().regex(/^\d{12}$/),
        region: z.string().min(1),
        name: z.string().min(1).max(80),
        attributes: z.record(z.string(), z.string()),
        tags: z.record(z.string(), z.string()),
        messages: z.array(
          z.looseObject({ messageId: z.string(), body: z.string(), sentAt: z.number(), visibleAt: z.number(), receiveCount: z.number().int().min(0) }),
        ),
      }),
    )
    .optional(),
  events: z
    .object({
      buses: z.array(
        z.looseObject({ name: z.string().min(1), account: z.string().regex(/^\d{12}$/), region: z.string().min(1), tags: z.array(z.looseObject({})) }),
      ),
      rules: z.array(
        z.looseObject({
          name: z.string().min(1),
          busName: z.string().min(1),
          account: z.string().regex(/^\d{12}$/),
          region: z.string().min(1),
          targets: z.array(z.looseObject({ Id: z.string(), Arn: z.string() })),
        }),
      ),
    })
    .optional(),
  roles: z
    .array(
      z.looseObject({
        account: z.string().regex(/^\d{12}$/),
        name: z.string().min(1).max(64),
        path: z.string(),
        roleId: z.string(),
        arn: z.string(),
        trustPolicy: z.string(),
        tags: z.array(z.object({ Key: z.string(), Value: z.string() })),
        inline: z.array(z.tuple([z.string(), z.string()])),
      }),
    )
    .optional(),
});

const DEBOUNCE_MS = 250;

export class SnapshotStore {
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private dir: string,
    private sb: SandboxCore,
  ) {}

  get path(): string {
    return join(this.dir, 'sandbox-state.json');
  }

  async load(): Promise<boolean> {
    let checked: z.output<typeof SnapshotShape>;
    try {
      checked = await readJsonFile(this.path, SnapshotShape, { maxBytes: MAX_LARGE_JSON_FILE_BYTES });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      if (!(err instanceof JsonFileError)) throw err;
      if (err.kind === 'syntax') throw new Error(`${this.path} is ${err.detail}: move it away to start the sandbox afresh.`);
      throw new Error(`${this.path} is not a sandbox snapshot: ${err.detail}. Move it away to start the sandbox afresh.`);
    }
    // Adapter: the shape above was checked; the records' other fields are the sandbox's own, as it wrote them.
    const snap = checked as unknown as SnapshotV1;
    this.sb.seedName = snap.seed;
    for (const p of snap.pipelines) {
      for (const e of p.executions) {
        if (e.status === 'InProgress' || e.status === 'Stopping') {
          e.status = 'Stopped';
          e.statusSummary = 'The sandbox restarted while this execution ran.';
          e.waiting = false;
          for (const a of e.actions) if (a.status === 'InProgress') a.status = 'Abandoned';
        }
      }
      this.sb.tables.table(p.accountId, p.region).set(p.name, p);
    }
    for (const b of snap.buckets) {
      const objects = new Map(
        b.objects.map(([k, versions]) => [
          k,
          versions.map((v) => {
            const body = Buffer.from(v.body, 'base64');
            // Snapshots from before declared sizes hold whole bodies.
            return { ...v, body, size: typeof v.size === 'number' ? v.size : body.length };
          }),
        ]),
      );
      this.sb.s3.buckets.set(b.name, { ...b, objects, sortedKeys: [...objects.keys()].sort() });
    }
    // Messages keep their times: one in flight at the snapshot becomes visible when its timeout ends, as in SQS.
    this.sb.sqs.restore(snap.queues ?? []);
    if (snap.events) this.sb.events.loadSnapshot(snap.events);
    this.sb.iamRoles.restore(snap.roles ?? []);
    return true;
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, DEBOUNCE_MS);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const snap: SnapshotV1 = {
      formatVersion: 1,
      seed: this.sb.seedName,
      pipelines: this.sb.tables.all(),
      buckets: [...this.sb.s3.buckets.values()].map(({ objects, sortedKeys: _sorted, ...rest }) => ({
        ...rest,
        objects: [...objects].map(([k, versions]) => [k, versions.map((v) => ({ ...v, body: v.body.toString('base64') }))]),
      })),
      queues: this.sb.sqs.toSnapshot(),
      events: this.sb.events.toSnapshot(),
      roles: this.sb.iamRoles.toSnapshot(),
    };
    const text = JSON.stringify(snap);
    this.writing = this.writing.then(() => writeFileAtomic(this.path, text));
    await this.writing;
  }
}
