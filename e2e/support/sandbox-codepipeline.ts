// The real CodePipeline client against the app's embedded sandbox, as an account:
// what another person (or the CLI) does to a pipeline while the page looks on.
import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';
import type { AppServer } from './app-server';

export function sandboxCodePipeline(app: AppServer, region: string, account = DEFAULT_ACCOUNTS[0]): CodePipelineClient {
  return new CodePipelineClient({
    endpoint: app.sandboxEndpoint,
    region,
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
  });
}

/** Starts a pipeline outside the page; returns the new execution's id. */
export async function startOutsideThePage(app: AppServer, region: string, pipeline: string): Promise<string> {
  const out = await sandboxCodePipeline(app, region).send(new StartPipelineExecutionCommand({ name: pipeline }));
  return out.pipelineExecutionId!;
}
