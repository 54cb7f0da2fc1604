// Long work runs as a job: start() returns an id at once, progress goes out as
// events tagged with it, cancel() aborts it through an AbortSignal. Jobs are
// owned by the client that started them and are cancelled when it departs,
// unless started as detached (work that must finish, e.g. a confirmed cleanup).
import { randomUUID } from 'node:crypto';
import type { JobInfo } from '../../shared/api/contract';
import type { EventHub } from '../rpc/event-hub';

export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  progress(done: number, total?: number | null, message?: string | null): void;
}

interface RunningJob {
  info: JobInfo;
  owner: string | null;
  controller: AbortController;
  done: Promise<void>;
}

const KEEP_FINISHED = 50;

export class JobManager {
  private jobs = new Map<string, RunningJob>();

  constructor(private readonly hub: EventHub) {
    hub.onDeparture((clientId) => this.cancelOwnedBy(clientId));
  }

  start(kind: string, owner: string | null, run: (ctx: JobContext) => Promise<unknown>): string {
    const jobId = `job-${randomUUID()}`;
    const controller = new AbortController();
    const info: JobInfo = {
      jobId,
      kind,
      status: 'running',
      done: 0,
      total: null,
      message: null,
      startedAt: new Date().toISOString(),
    };
    const ctx: JobContext = {
      jobId,
      signal: controller.signal,
      progress: (done, total = info.total, message = null) => {
        if (info.status !== 'running') return;
        Object.assign(info, { done, total: total ?? null, message });
        this.hub.emit('job.progress', { jobId, kind, done, total: info.total, message });
      },
    };
    const job: RunningJob = { info, owner, controller, done: Promise.resolve() };
    this.jobs.set(jobId, job);
    // Start on the next tick so the caller has the id before the first event.
    job.done = new Promise<void>((r) => setImmediate(r))
      .then(() => run(ctx))
      .then(
        () => this.finish(job, controller.signal.aborted ? 'cancelled' : 'succeeded', null),
        (err: unknown) =>
          this.finish(
            job,
            controller.signal.aborted ? 'cancelled' : 'failed',
            controller.signal.aborted ? null : err instanceof Error ? err.message : String(err),
          ),
      );
    return jobId;
  }

  private finish(job: RunningJob, status: 'succeeded' | 'failed' | 'cancelled', error: string | null): void {
    job.info.status = status;
    this.hub.emit('job.finished', { jobId: job.info.jobId, kind: job.info.kind, status, error });
    this.prune();
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.info.status !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(j.info.jobId);
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.info.status !== 'running') return false;
    job.controller.abort();
    return true;
  }

  cancelOwnedBy(clientId: string): number {
    let n = 0;
    for (const job of this.jobs.values()) if (job.owner === clientId && this.cancel(job.info.jobId)) n++;
    return n;
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  /** Resolves when the job has finished (any outcome). For tests and shutdown. */
  async wait(jobId: string): Promise<JobInfo | undefined> {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    await job.done;
    return { ...job.info };
  }

  async shutdown(): Promise<void> {
    for (const job of this.jobs.values()) job.controller.abort();
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }
}
