// Deploys a design to a (profile, region): create, or update with a version
// check, then transitions and tags made to match. Also reads a live pipeline
// back as a design (GetPipeline + disabled transitions + tags).
import {
  CreatePipelineCommand,
  DisableStageTransitionCommand,
  EnableStageTransitionCommand,
  GetPipelineCommand,
  GetPipelineStateCommand,
  ListTagsForResourceCommand,
  PipelineNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePipelineCommand,
  type PipelineDeclaration as SdkDeclaration,
} from '@aws-sdk/client-codepipeline';
import { AppError } from '../../shared/api/errors';
import { DESIGN_FORMAT_VERSION, type DesignFile } from '../../shared/pipeline/design-file';
import type { PipelineDeclaration } from '../../shared/pipeline/model';
import type { AwsClients } from '../aws/clients';
import { declarationFromSdk } from '../aws/sdk-shapes';
import type { ProfileInfo } from '../aws/profiles';

export interface LivePipeline {
  pipeline: PipelineDeclaration;
  version: number;
  arn: string;
  disabledTransitions: Array<{ stageName: string; reason: string }>;
  tags: Array<{ key: string; value: string }>;
}

export async function readLive(clients: AwsClients, profile: ProfileInfo, region: string, name: string): Promise<LivePipeline | null> {
  const cp = clients.codepipeline(profile, region);
  let got;
  try {
    got = await cp.send(new GetPipelineCommand({ name }));
  } catch (err) {
    if (err instanceof PipelineNotFoundException) return null;
    throw err;
  }
  const arn = got.metadata?.pipelineArn ?? '';
  const [state, tags] = await Promise.all([
    cp.send(new GetPipelineStateCommand({ name })),
    arn
      ? cp.send(new ListTagsForResourceCommand({ resourceArn: arn })).then(
          (r) => r.tags ?? [],
          () => [],
        )
      : Promise.resolve([]),
  ]);
  const { version, ...pipeline } = declarationFromSdk(got.pipeline, name);
  return {
    pipeline,
    version: version ?? 0,
    arn,
    disabledTransitions: (state.stageStates ?? [])
      .filter((s) => s.inboundTransitionState?.enabled === false)
      .map((s) => ({ stageName: s.stageName ?? '', reason: s.inboundTransitionState?.disabledReason ?? 'Disabled' })),
    tags: tags.map((t) => ({ key: t.key ?? '', value: t.value ?? '' })),
  };
}

export function liveToDesign(live: LivePipeline, origin: { profile: string; region: string; accountId?: string }): DesignFile {
  const extras = {
    ...(live.disabledTransitions.length ? { disabledTransitions: live.disabledTransitions } : {}),
    ...(live.tags.length ? { tags: live.tags } : {}),
  };
  return {
    formatVersion: DESIGN_FORMAT_VERSION,
    pipeline: live.pipeline,
    ...(Object.keys(extras).length ? { extras } : {}),
    origin: { kind: 'live', ...origin, version: live.version },
  };
}

export interface DeployResult {
  created: boolean;
  version: number;
  arn: string;
}

/** `expectedVersion`: the live version the user reviewed; a different one is a conflict. */
export async function deployDesign(
  clients: AwsClients,
  profile: ProfileInfo,
  region: string,
  design: DesignFile,
  expectedVersion: number | null,
): Promise<DeployResult> {
  const cp = clients.codepipeline(profile, region);
  const name = design.pipeline.name;
  const live = await readLive(clients, profile, region, name);
  if ((live?.version ?? null) !== expectedVersion) {
    throw new AppError(
      'CONFLICT',
      live
        ? `${name} is at version ${live.version} in ${region}, but the diff you confirmed was against ${expectedVersion === null ? 'no pipeline' : `version ${expectedVersion}`}. Review the new diff and deploy again.`
        : `${name} no longer exists in ${region}. Review the new diff and deploy again.`,
      { liveVersion: live?.version ?? null, expectedVersion },
    );
  }
  const { version: _v, ...decl } = design.pipeline as PipelineDeclaration & { version?: number };
  let version: number;
  let arn: string;
  if (!live) {
    const r = await cp.send(
      // Adapter: the model is the API's shape with loose objects; the SDK's type is stricter about enums.
      new CreatePipelineCommand({ pipeline: decl as unknown as SdkDeclaration, ...(design.extras?.tags?.length ? { tags: design.extras.tags } : {}) }),
    );
    version = r.pipeline?.version ?? 1;
    arn = (await cp.send(new GetPipelineCommand({ name }))).metadata?.pipelineArn ?? '';
  } else {
    // Adapter, as above.
    const r = await cp.send(new UpdatePipelineCommand({ pipeline: { ...(decl as unknown as SdkDeclaration), version: live.version } }));
    version = r.pipeline?.version ?? live.version + 1;
    arn = live.arn;
    // Tags follow the design.
    const want = new Map((design.extras?.tags ?? []).map((t) => [t.key, t.value]));
    const drop = live.tags.filter((t) => !want.has(t.key)).map((t) => t.key);
    const add = [...want].filter(([k, v]) => live.tags.find((t) => t.key === k)?.value !== v).map(([key, value]) => ({ key, value }));
    if (drop.length) await cp.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: drop }));
    if (add.length) await cp.send(new TagResourceCommand({ resourceArn: arn, tags: add }));
  }
  // Disabled inbound transitions follow the design.
  const wantDisabled = new Map((design.extras?.disabledTransitions ?? []).map((t) => [t.stageName, t.reason]));
  const isDisabled = new Set(live?.disabledTransitions.map((t) => t.stageName) ?? []);
  for (const s of design.pipeline.stages) {
    const want = wantDisabled.get(s.name);
    if (want !== undefined && !isDisabled.has(s.name))
      await cp.send(new DisableStageTransitionCommand({ pipelineName: name, stageName: s.name, transitionType: 'Inbound', reason: want }));
    if (want === undefined && isDisabled.has(s.name))
      await cp.send(new EnableStageTransitionCommand({ pipelineName: name, stageName: s.name, transitionType: 'Inbound' }));
  }
  return { created: !live, version, arn };
}
