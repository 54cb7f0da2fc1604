// The event builders against AWS's documented examples: the CodePipeline user
// guide's "Monitoring CodePipeline events" shows one emitted event per state
// (the values below are its examples'; its few unquoted ids and account are
// quoted, as every captured event has them). Given the same facts, each builder
// must produce that event exactly: the same field names, types and values.
import { describe, expect, it } from 'vitest';
import {
  actionDetail,
  buildEnvelope,
  CODEPIPELINE_DETAIL_TYPES,
  eventTime,
  pipelineDetail,
  stageDetail,
  type ActionFacts,
  type ExecutionFacts,
} from '../../src/sandbox/services/codepipeline/events';

const ms = (iso: string) => Date.parse(iso);

const envelope = (detailType: string, region: string, time: string, detail: object) =>
  buildEnvelope({
    id: '01234567-EXAMPLE',
    detailType,
    account: '123456789012',
    region,
    pipelineArn: `arn:aws:codepipeline:${region}:123456789012:myPipeline`,
    time: ms(time),
    detail,
  });

const documented = (detailType: string, region: string, time: string, detail: object) => ({
  version: '0',
  id: '01234567-EXAMPLE',
  'detail-type': detailType,
  source: 'aws.codepipeline',
  account: '123456789012',
  time,
  region,
  resources: [`arn:aws:codepipeline:${region}:123456789012:myPipeline`],
  detail,
});

const execution = (over: Partial<ExecutionFacts> = {}): ExecutionFacts => ({
  pipeline: 'myPipeline',
  executionId: '12345678-1234-5678-abcd-12345678abcd',
  startTime: ms('2023-10-26T13:49:39.208Z'),
  pipelineVersion: 1,
  attempt: 1,
  ...over,
});

/** Field names and JSON types, recursively: what a consumer's parser depends on. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}

describe('pipeline events', () => {
  const P = CODEPIPELINE_DETAIL_TYPES.pipeline;

  it('STARTED carries the trigger, the start time, the structure version and the attempt', () => {
    const built = envelope(
      P,
      'us-east-1',
      '2020-01-24T22:03:07Z',
      pipelineDetail(execution(), 'STARTED', {
        trigger: { triggerType: 'StartPipelineExecution', triggerDetail: 'arn:aws:sts::123456789012:assumed-role/Admin/my-user' },
      }),
    );
    const doc = documented(P, 'us-east-1', '2020-01-24T22:03:07Z', {
      pipeline: 'myPipeline',
      'execution-id': '12345678-1234-5678-abcd-12345678abcd',
      'start-time': '2023-10-26T13:49:39.208Z',
      'execution-trigger': { 'trigger-type': 'StartPipelineExecution', 'trigger-detail': 'arn:aws:sts::123456789012:assumed-role/Admin/my-user' },
      state: 'STARTED',
      version: 1.0,
      'pipeline-execution-attempt': 1.0,
    });
    expect(built).toEqual(doc);
    expect(shape(built)).toEqual(shape(doc));
  });

  it('STOPPING carries the stop comments', () => {
    const built = envelope(
      P,
      'us-west-2',
      '2020-01-24T22:02:20Z',
      pipelineDetail(execution({ pipelineVersion: 3 }), 'STOPPING', { stopComments: 'Stopping the pipeline for an update' }),
    );
    expect(built).toEqual(
      documented(P, 'us-west-2', '2020-01-24T22:02:20Z', {
        pipeline: 'myPipeline',
        'execution-id': '12345678-1234-5678-abcd-12345678abcd',
        'start-time': '2023-10-26T13:49:39.208Z',
        state: 'STOPPING',
        version: 3.0,
        'pipeline-execution-attempt': 1.0,
        'stop-execution-comments': 'Stopping the pipeline for an update',
      }),
    );
  });

  it.each([
    ['SUCCEEDED', 'us-east-1', '2020-01-24T22:03:44Z', 3],
    ['FAILED', 'us-west-2', '2020-01-31T18:55:43Z', 4],
  ] as const)('%s has no trigger', (state, region, time, version) => {
    // The trigger is given and must be left out: the documented end events have none.
    const trigger = { triggerType: 'StartPipelineExecution', triggerDetail: 'arn:aws:iam::123456789012:user/me' };
    expect(envelope(P, region, time, pipelineDetail(execution({ pipelineVersion: version }), state, { trigger }))).toEqual(
      documented(P, region, time, {
        pipeline: 'myPipeline',
        'execution-id': '12345678-1234-5678-abcd-12345678abcd',
        'start-time': '2023-10-26T13:49:39.208Z',
        state,
        version,
        'pipeline-execution-attempt': 1.0,
      }),
    );
  });
});

describe('stage events', () => {
  const S = CODEPIPELINE_DETAIL_TYPES.stage;

  it('STARTED', () => {
    expect(envelope(S, 'us-east-1', '2020-01-24T22:03:07Z', stageDetail(execution(), 'Prod', 'STARTED'))).toEqual(
      documented(S, 'us-east-1', '2020-01-24T22:03:07Z', {
        pipeline: 'myPipeline',
        version: 1.0,
        'execution-id': '12345678-1234-5678-abcd-12345678abcd',
        'start-time': '2023-10-26T13:49:39.208Z',
        stage: 'Prod',
        state: 'STARTED',
        'pipeline-execution-attempt': 1.0,
      }),
    );
  });

  it.each([
    ['STOPPING', '2020-01-24T22:02:20Z'],
    ['STOPPED', '2020-01-31T18:21:39Z'],
  ] as const)('%s', (state, time) => {
    expect(envelope(S, 'us-west-2', time, stageDetail(execution({ pipelineVersion: 3 }), 'Deploy', state))).toEqual(
      documented(S, 'us-west-2', time, {
        pipeline: 'myPipeline',
        'execution-id': '12345678-1234-5678-abcd-12345678abcd',
        'start-time': '2023-10-26T13:49:39.208Z',
        stage: 'Deploy',
        state,
        version: 3.0,
        'pipeline-execution-attempt': 1.0,
      }),
    );
  });

  it('RESUMED after a retry: the retry time, the second attempt, no start time', () => {
    const x = execution({ pipeline: 'BuildFromTag', executionId: '05dafb6a-5a56-4951-a858-968795364846', pipelineVersion: 32, attempt: 2 });
    const built = stageDetail(x, 'Build', 'RESUMED', ms('2023-10-26T14:14:56.305Z'));
    expect(built).toEqual({
      pipeline: 'BuildFromTag',
      'execution-id': '05dafb6a-5a56-4951-a858-968795364846',
      'stage-last-retry-attempt-time': '2023-10-26T14:14:56.305Z',
      stage: 'Build',
      state: 'RESUMED',
      version: 32.0,
      'pipeline-execution-attempt': 2.0,
    });
  });
});

describe('action events', () => {
  const A = CODEPIPELINE_DETAIL_TYPES.action;
  const actionStart = ms('2023-10-26T13:51:09.981Z');
  const deploy: ActionFacts = {
    stage: 'Prod',
    action: 'myAction',
    actionExecutionId: '47f821c5-a902-44b2-ae61-b878d31ecd21',
    region: 'us-east-1',
    type: { owner: 'AWS', category: 'Deploy', provider: 'CodeDeploy', version: '1' },
    inputArtifacts: [{ name: 'SourceArtifact', s3location: { bucket: 'codepipeline-us-east-1-BUCKETEXAMPLE', key: 'myPipeline/SourceArti/KEYEXAMPLE' } }],
    outputArtifacts: [],
  };

  it('STARTED lists the input artifacts where they are in S3', () => {
    const built = envelope(A, 'us-east-1', '2020-01-24T22:03:07Z', actionDetail(execution({ startTime: actionStart, pipelineVersion: 2 }), deploy, 'STARTED'));
    const doc = documented(A, 'us-east-1', '2020-01-24T22:03:07Z', {
      pipeline: 'myPipeline',
      'execution-id': '12345678-1234-5678-abcd-12345678abcd',
      'start-time': '2023-10-26T13:51:09.981Z',
      stage: 'Prod',
      'action-execution-id': '47f821c5-a902-44b2-ae61-b878d31ecd21',
      action: 'myAction',
      state: 'STARTED',
      region: 'us-east-1',
      type: { owner: 'AWS', category: 'Deploy', provider: 'CodeDeploy', version: '1' },
      version: 2.0,
      'pipeline-execution-attempt': 1.0,
      'input-artifacts': [{ name: 'SourceArtifact', s3location: { bucket: 'codepipeline-us-east-1-BUCKETEXAMPLE', key: 'myPipeline/SourceArti/KEYEXAMPLE' } }],
    });
    expect(built).toEqual(doc);
    expect(shape(built)).toEqual(shape(doc));
  });

  it('SUCCEEDED carries the execution result and the output artifacts', () => {
    const source: ActionFacts = {
      stage: 'Source',
      action: 'Source',
      actionExecutionId: '47f821c5-a902-44b2-ae61-b878d31ecd21',
      region: 'us-west-2',
      type: { owner: 'AWS', provider: 'CodeCommit', category: 'Source', version: '1' },
      inputArtifacts: [],
      outputArtifacts: [{ name: 'SourceArtifact', s3location: { bucket: 'codepipeline-us-west-2-BUCKETEXAMPLE', key: 'myPipeline/SourceArti/KEYEXAMPLE' } }],
      result: {
        externalExecutionUrl: 'https://us-west-2.console.aws.amazon.com/codecommit/home#/repository/my-repo/commit/8cf40f2EXAMPLE',
        externalExecutionSummary: 'Added LICENSE.txt',
        externalExecutionId: '8cf40fEXAMPLE',
      },
    };
    const built = envelope(
      A,
      'us-west-2',
      '2020-01-24T22:03:11Z',
      actionDetail(execution({ startTime: actionStart, pipelineVersion: 3 }), source, 'SUCCEEDED'),
    );
    const doc = documented(A, 'us-west-2', '2020-01-24T22:03:11Z', {
      pipeline: 'myPipeline',
      'execution-id': '12345678-1234-5678-abcd-12345678abcd',
      'start-time': '2023-10-26T13:51:09.981Z',
      stage: 'Source',
      'execution-result': {
        'external-execution-url': 'https://us-west-2.console.aws.amazon.com/codecommit/home#/repository/my-repo/commit/8cf40f2EXAMPLE',
        'external-execution-summary': 'Added LICENSE.txt',
        'external-execution-id': '8cf40fEXAMPLE',
      },
      'output-artifacts': [{ name: 'SourceArtifact', s3location: { bucket: 'codepipeline-us-west-2-BUCKETEXAMPLE', key: 'myPipeline/SourceArti/KEYEXAMPLE' } }],
      'action-execution-id': '47f821c5-a902-44b2-ae61-b878d31ecd21',
      action: 'Source',
      state: 'SUCCEEDED',
      region: 'us-west-2',
      type: { owner: 'AWS', provider: 'CodeCommit', category: 'Source', version: '1' },
      version: 3.0,
      'pipeline-execution-attempt': 1.0,
    });
    expect(built).toEqual(doc);
    expect(shape(built)).toEqual(shape(doc));
  });

  it('FAILED carries the error code in the execution result, and no artifacts', () => {
    const failed: ActionFacts = {
      ...deploy,
      stage: 'Deploy',
      action: 'Deploy',
      region: 'us-west-2',
      outputArtifacts: [{ name: 'Unwritten' }],
      result: {
        externalExecutionUrl: 'https://us-west-2.console.aws.amazon.com/codedeploy/home?#/deployments/<ID>',
        externalExecutionSummary: 'Deployment <ID> failed',
        externalExecutionId: '<ID>',
      },
      error: { code: 'JobFailed', message: 'Deployment <ID> failed' },
    };
    expect(envelope(A, 'us-west-2', '2020-01-31T18:55:43Z', actionDetail(execution({ startTime: actionStart, pipelineVersion: 4 }), failed, 'FAILED'))).toEqual(
      documented(A, 'us-west-2', '2020-01-31T18:55:43Z', {
        pipeline: 'myPipeline',
        'execution-id': '12345678-1234-5678-abcd-12345678abcd',
        'start-time': '2023-10-26T13:51:09.981Z',
        stage: 'Deploy',
        'execution-result': {
          'external-execution-url': 'https://us-west-2.console.aws.amazon.com/codedeploy/home?#/deployments/<ID>',
          'external-execution-summary': 'Deployment <ID> failed',
          'external-execution-id': '<ID>',
          'error-code': 'JobFailed',
        },
        'action-execution-id': '47f821c5-a902-44b2-ae61-b878d31ecd21',
        action: 'Deploy',
        state: 'FAILED',
        region: 'us-west-2',
        type: { owner: 'AWS', provider: 'CodeDeploy', category: 'Deploy', version: '1' },
        version: 4.0,
        'pipeline-execution-attempt': 1.0,
      }),
    );
  });

  it('FAILED without an external run (an injected failure, a rejection) still says why', () => {
    const d = actionDetail(execution(), { ...deploy, error: { code: 'Rejected', message: 'Rejected: not today' } }, 'FAILED');
    expect(d['execution-result']).toEqual({ 'external-execution-summary': 'Rejected: not today', 'error-code': 'Rejected' });
  });

  it('ABANDONED has no start time, result or artifacts', () => {
    const abandoned: ActionFacts = { ...deploy, stage: 'Deploy', action: 'Deploy', region: 'us-west-2' };
    expect(envelope(A, 'us-west-2', '2020-01-31T18:21:39Z', actionDetail(execution({ pipelineVersion: 3 }), abandoned, 'ABANDONED'))).toEqual(
      documented(A, 'us-west-2', '2020-01-31T18:21:39Z', {
        pipeline: 'myPipeline',
        'execution-id': '12345678-1234-5678-abcd-12345678abcd',
        stage: 'Deploy',
        'action-execution-id': '47f821c5-a902-44b2-ae61-b878d31ecd21',
        action: 'Deploy',
        state: 'ABANDONED',
        region: 'us-west-2',
        type: { owner: 'AWS', provider: 'CodeDeploy', category: 'Deploy', version: '1' },
        version: 3.0,
        'pipeline-execution-attempt': 1.0,
      }),
    );
  });
});

describe('event time', () => {
  it('has second resolution, truncated, in UTC with Z', () => {
    expect(eventTime(ms('2024-12-30T00:53:03.999Z'))).toBe('2024-12-30T00:53:03Z');
    expect(eventTime(ms('2024-12-30T00:53:03.000Z'))).toBe('2024-12-30T00:53:03Z');
  });
});
