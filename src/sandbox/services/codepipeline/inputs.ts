// CodePipeline's operation inputs as zod schemas, from the API reference's
// constraints, and the errors the service answers when one does not parse: a
// wrong type is a SerializationException, a missing or out-of-range value a
// ValidationException worded as AWS words it.
import { z } from 'zod';
import { SandboxError } from '../../errors';

const Name = z.string().min(1).max(100);
const Id = z.string().min(1).max(200);
const page = (maxMax: number) => ({ maxResults: z.number().int().min(1).max(maxMax).optional(), nextToken: z.string().max(2048).optional() });
const Tag = z.object({ key: z.string().min(1).max(128), value: z.string().max(256) });
const Transition = { pipelineName: Name, stageName: Name, transitionType: z.enum(['Inbound', 'Outbound']) };

export const CodePipelineInputs = {
  GetPipeline: z.looseObject({
    name: Name,
    version: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1)
      .optional(),
  }),
  DeletePipeline: z.looseObject({ name: Name }),
  ListPipelines: z.looseObject({ ...page(1000) }),
  GetPipelineState: z.looseObject({ name: Name }),
  StartPipelineExecution: z.looseObject({
    name: Name,
    variables: z
      .array(z.object({ name: z.string().min(1).max(128), value: z.string().max(1000) }))
      .max(50)
      .optional(),
    sourceRevisions: z
      .array(
        z.object({
          actionName: z.string().min(1).max(100),
          revisionType: z.enum(['COMMIT_ID', 'IMAGE_DIGEST', 'S3_OBJECT_VERSION_ID', 'S3_OBJECT_KEY']),
          revisionValue: z.string().min(1).max(1500),
        }),
      )
      .max(50)
      .optional(),
    clientRequestToken: z.string().max(128).optional(),
  }),
  StopPipelineExecution: z.looseObject({
    pipelineName: Name,
    pipelineExecutionId: Id,
    abandon: z.boolean().optional(),
    reason: z.string().max(200).optional(),
  }),
  GetPipelineExecution: z.looseObject({ pipelineName: Name, pipelineExecutionId: Id }),
  ListPipelineExecutions: z.looseObject({
    pipelineName: Name,
    ...page(100),
    filter: z.object({ succeededInStage: z.object({ stageName: Name }).optional() }).optional(),
  }),
  ListActionExecutions: z.looseObject({
    pipelineName: Name,
    ...page(100),
    filter: z.object({ pipelineExecutionId: Id.optional(), latestInPipelineExecution: z.object({ pipelineExecutionId: Id }).optional() }).optional(),
  }),
  PutApprovalResult: z.looseObject({
    pipelineName: Name,
    stageName: Name,
    actionName: Name,
    token: z.string().min(1),
    result: z.object({ summary: z.string().max(512), status: z.enum(['Approved', 'Rejected']) }),
  }),
  RetryStageExecution: z.looseObject({ pipelineName: Name, stageName: Name, pipelineExecutionId: Id, retryMode: z.enum(['FAILED_ACTIONS', 'ALL_ACTIONS']) }),
  RollbackStage: z.looseObject({ pipelineName: Name, stageName: Name, targetPipelineExecutionId: Id }),
  OverrideStageCondition: z.looseObject({
    pipelineName: Name,
    stageName: Name,
    pipelineExecutionId: Id,
    conditionType: z.enum(['BEFORE_ENTRY', 'ON_SUCCESS']),
  }),
  ListRuleExecutions: z.looseObject({
    pipelineName: Name,
    ...page(100),
    filter: z.object({ pipelineExecutionId: Id.optional(), latestInPipelineExecution: z.object({ pipelineExecutionId: Id }).optional() }).optional(),
  }),
  EnableStageTransition: z.looseObject(Transition),
  DisableStageTransition: z.looseObject({
    ...Transition,
    reason: z
      .string()
      .min(1)
      .max(300)
      .regex(/^[a-zA-Z0-9!@ ().*?_-]+$/),
  }),
  TagResource: z.looseObject({ resourceArn: z.string().min(1).max(1011), tags: z.array(Tag) }),
  UntagResource: z.looseObject({ resourceArn: z.string().min(1).max(1011), tagKeys: z.array(z.string().min(1).max(128)) }),
  ListTagsForResource: z.looseObject({ resourceArn: z.string().min(1).max(1011), ...page(100) }),
  ListActionTypes: z.looseObject({ actionOwnerFilter: z.enum(['AWS', 'ThirdParty', 'Custom']).optional(), nextToken: z.string().max(2048).optional() }),
};

export type CodePipelineInput<O extends keyof typeof CodePipelineInputs> = z.infer<(typeof CodePipelineInputs)[O]>;

/** The input of an operation, parsed; a failure is the error the service would answer. */
export function parseInput<O extends keyof typeof CodePipelineInputs>(op: O, body: unknown): CodePipelineInput<O> {
  const r = CodePipelineInputs[op].safeParse(body);
  if (r.success) return r.data as CodePipelineInput<O>;
  throw awsInputError(r.error.issues[0], body);
}

function awsInputError(issue: z.core.$ZodIssue, body: unknown): SandboxError {
  const at = issue.path.map(String).join('.');
  const value = issue.path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), body);
  const constraint = (text: string) =>
    new SandboxError(
      'ValidationException',
      `1 validation error detected: Value ${value === undefined ? 'null' : `'${typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value)}'`} at '${at}' failed to satisfy constraint: ${text}`,
    );
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined || value === null
        ? constraint('Member must not be null')
        : new SandboxError('SerializationException', `Expected ${issue.expected} for ${at}.`);
    case 'too_big':
      return constraint(
        issue.origin === 'number'
          ? `Member must have value less than or equal to ${String(issue.maximum)}`
          : `Member must have length less than or equal to ${String(issue.maximum)}`,
      );
    case 'too_small':
      return constraint(
        issue.origin === 'number'
          ? `Member must have value greater than or equal to ${String(issue.minimum)}`
          : `Member must have length greater than or equal to ${String(issue.minimum)}`,
      );
    case 'invalid_value':
      return constraint(`Member must satisfy enum value set: [${issue.values.map(String).join(', ')}]`);
    case 'invalid_format':
      return constraint('Member must satisfy regular expression pattern');
    default:
      return constraint(issue.message);
  }
}
