// Starts a real sandbox on loopback and builds real SDK clients against it.
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { Sandbox, type SandboxOptions } from '../../src/sandbox/sandbox';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';

export type AccountName = 'dev' | 'staging' | 'prod';
const byName: Record<AccountName, (typeof DEFAULT_ACCOUNTS)[number]> = {
  dev: DEFAULT_ACCOUNTS[0],
  staging: DEFAULT_ACCOUNTS[1],
  prod: DEFAULT_ACCOUNTS[2],
};

export async function startSandbox(opts: SandboxOptions = {}) {
  const sb = await Sandbox.start({ config: { timeScale: 0.001, ...(opts.config as object) }, ...opts, log: opts.log ?? ((l) => console.error(l)) });
  const credentials = (a: AccountName) => ({ accessKeyId: byName[a].accessKeyId, secretAccessKey: byName[a].secretAccessKey });
  const common = (a: AccountName, region: string) => ({ endpoint: sb.endpoint, region, credentials: credentials(a), maxAttempts: 1 });
  return {
    sb,
    credentials,
    codepipeline: (a: AccountName = 'dev', region = 'us-east-1', extra: object = {}) => new CodePipelineClient({ ...common(a, region), ...extra }),
    s3: (a: AccountName = 'dev', region = 'us-east-1', extra: object = {}) =>
      new S3Client({
        ...common(a, region),
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        ...extra,
      }),
    sts: (a: AccountName = 'dev', region = 'us-east-1', extra: object = {}) => new STSClient({ ...common(a, region), ...extra }),
    sqs: (a: AccountName = 'dev', region = 'us-east-1', extra: object = {}) => new SQSClient({ ...common(a, region), ...extra }),
    events: (a: AccountName = 'dev', region = 'us-east-1', extra: object = {}) => new EventBridgeClient({ ...common(a, region), ...extra }),
    control: async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sb.endpoint}/_sandbox/${path}`, {
        method,
        headers: { authorization: `Bearer ${sb.adminToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
  };
}
