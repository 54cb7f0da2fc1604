// ListPipelines, every page, in one place: paged by hand rather than with the
// SDK's paginator, which takes no AbortSignal. Callers act on each page as it comes.
import { ListPipelinesCommand, type CodePipelineClient, type PipelineSummary } from '@aws-sdk/client-codepipeline';
import type { CallGate } from './fanout';

export async function* pipelinePages(cp: CodePipelineClient, gate: CallGate, signal?: AbortSignal): AsyncGenerator<PipelineSummary[]> {
  let nextToken: string | undefined;
  do {
    const page = await gate(() => cp.send(new ListPipelinesCommand({ maxResults: 1000, nextToken }), { abortSignal: signal }));
    yield page.pipelines ?? [];
    nextToken = page.nextToken;
  } while (nextToken);
}
