// The explorer, as a feature: every pipeline of the workspace, listed as a job
// whose rows stream as events (a failing target is data, not a failure), and
// one pipeline's details.
import type { PipelinesService } from './service';
import type { Events, HandlerSlice, Jobs } from '../rpc/handler-slice';

export function explorerFeature({ pipelines, jobs, events }: { pipelines: PipelinesService; jobs: Jobs; events: Events }): {
  handlers: HandlerSlice<'pipelines.list' | 'pipelines.get'>;
} {
  return {
    handlers: {
      'pipelines.list': ({ targets }, ctx) => {
        const pairs = pipelines.targets(targets);
        const jobId = jobs.start('pipelines.list', ctx.clientId, async (job) => {
          job.progress(0, pairs.length, `0 of ${pairs.length} targets`);
          await pipelines.list(
            pairs,
            {
              onRows: (target, rows) => events.emit('pipelines.batch', { jobId: job.jobId, target, rows }),
              onError: (target, error) => events.emit('pipelines.targetError', { jobId: job.jobId, target, error }),
              onTargetDone: (done, total) => job.progress(done, total, `${done} of ${total} targets`),
            },
            job.signal,
          );
        });
        return { jobId, targets: pairs.length };
      },
      'pipelines.get': ({ profile, region, name }) => pipelines.get(profile, region, name),
    },
  };
}
