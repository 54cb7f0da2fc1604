// Deploying designs to the sandbox with the real SDK: create, then GetPipeline
// equals the design; update; the version-conflict path; diffs and drift.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { GetPipelineCommand, UpdatePipelineCommand } from '@aws-sdk/client-codepipeline';
import type { AccountsService } from '../../src/main/accounts/service';
import { DesignsService } from '../../src/main/designer/service';
import { startServices } from '../helpers/services';
import { newDesign } from '../../src/shared/pipeline/design-file';
import { diffPipelines } from '../../src/shared/pipeline/diff';
import { importCfnTemplate } from '../../src/shared/pipeline/import';
import { simplePipeline } from '../helpers/pipelines';
import fc from 'fast-check';
import { pipelineArbitrary } from '../helpers/pipeline-arbitrary';
import { AppError } from '../../src/shared/api/errors';
import type { PipelineDeclaration } from '../../src/shared/pipeline/model';
import { readFileSync } from 'node:fs';

let services: Awaited<ReturnType<typeof startServices>>;
let accounts: AccountsService;
let designs: DesignsService;
const BUCKET = 'deploy-artifacts';

beforeAll(async () => {
  services = await startServices({ seed: 'empty' });
  services.sb.s3.createBucket(BUCKET, '222222222222', 'eu-west-1');
  accounts = services.accounts;
  designs = new DesignsService(accounts);
});
afterAll(() => services.stop());

const live = async (name: string) =>
  (await accounts.clients.codepipeline(accounts.profile('sandbox-staging'), 'eu-west-1').send(new GetPipelineCommand({ name }))).pipeline!;

describe('deploy', () => {
  it('creates, then GetPipeline equals the design; updates; catches version conflicts', async () => {
    const p = simplePipeline('designed', BUCKET, { pipelineType: 'V1', executionMode: 'SUPERSEDED' }) as PipelineDeclaration;
    const design = newDesign(p, { tags: [{ key: 'team', value: 'core' }], disabledTransitions: [{ stageName: 'Build', reason: 'Review first' }] });
    const first = await designs.diff(design, 'sandbox-staging', 'eu-west-1');
    expect(first).toMatchObject({ creates: true, liveVersion: null, conflict: false });
    const created = await designs.deploy(design, 'sandbox-staging', 'eu-west-1', null);
    expect(created).toMatchObject({ created: true, version: 1, arn: 'arn:aws:codepipeline:eu-west-1:222222222222:designed' });
    const { version, ...got } = await live('designed');
    expect(version).toBe(1);
    expect(got).toEqual(p);
    const exported = await designs.exportLive('sandbox-staging', 'eu-west-1', 'designed');
    expect(exported.extras).toEqual({ tags: [{ key: 'team', value: 'core' }], disabledTransitions: [{ stageName: 'Build', reason: 'Review first' }] });
    expect(exported.origin).toMatchObject({ kind: 'live', version: 1 });

    // Update: one configuration change, transition enabled again.
    const next = structuredClone(exported);
    next.pipeline.stages[1].actions[0].configuration = { ProjectName: 'proj-v2' };
    delete next.extras!.disabledTransitions;
    const d = await designs.diff(next, 'sandbox-staging', 'eu-west-1');
    expect(d.liveVersion).toBe(1);
    expect(d.changes.map((c) => c.message)).toEqual(['Build: ProjectName changed.', 'Transition into Build will be enabled.']);
    expect((await designs.deploy(next, 'sandbox-staging', 'eu-west-1', 1)).version).toBe(2);
    expect((await live('designed')).stages?.[1].actions?.[0].configuration?.ProjectName).toBe('proj-v2');

    // Someone else updates meanwhile: the version we reviewed (2) is stale.
    const cp = accounts.clients.codepipeline(accounts.profile('sandbox-staging'), 'eu-west-1');
    await cp.send(new UpdatePipelineCommand({ pipeline: { ...(await live('designed')), version: 2 } }));
    const stale = await designs.diff(next, 'sandbox-staging', 'eu-west-1');
    expect(stale.conflict).toBe(true);
    const err = await designs.deploy(next, 'sandbox-staging', 'eu-west-1', 2).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/version 3/);
  });

  it('V2 designs with git triggers, stage conditions and retries deploy and read back unchanged', async () => {
    const samples = fc
      .sample(pipelineArbitrary, { numRuns: 80, seed: 7 })
      .filter((p) => p.artifactStore && p.triggers && p.stages.some((s) => s.beforeEntry || s.onSuccess || s.onFailure));
    expect(samples.length).toBeGreaterThan(2);
    for (const [i, p] of samples.slice(0, 4).entries()) {
      p.name = `v2-design-${i}`;
      p.artifactStore = { ...p.artifactStore!, location: BUCKET };
      await designs.deploy(newDesign(p), 'sandbox-staging', 'eu-west-1', null);
      const { version: _v, ...got } = await live(p.name);
      expect(got).toEqual(p);
    }
  });

  it('refuses designs with errors or unresolved intrinsics', async () => {
    const bad = simplePipeline('bad', BUCKET) as PipelineDeclaration;
    bad.stages = bad.stages.slice(0, 1);
    await expect(designs.deploy(newDesign(bad), 'sandbox-staging', 'eu-west-1', null)).rejects.toThrow(/errors; fix them/);
    const fromTemplate = importCfnTemplate(readFileSync(join(__dirname, '../fixtures/cfn/multi-pipeline.yaml'), 'utf8'), 'OpsPipeline');
    fromTemplate.pipeline.stages[1].actions[0].configuration!.FunctionName = fromTemplate.pipeline.stages[1].actions[0].configuration!.UserParameters;
    await expect(designs.deploy(fromTemplate, 'sandbox-staging', 'eu-west-1', null)).rejects.toThrow(/intrinsics/);
  });
});

describe('diff', () => {
  it('reports stages and actions added, removed, moved and changed, and V1 -> V2', () => {
    const before = simplePipeline('p', 'b') as PipelineDeclaration;
    const after = structuredClone(before);
    after.pipelineType = 'V2';
    after.stages.push({ name: 'Deploy', actions: [{ ...after.stages[1].actions[0], name: 'Ship', outputArtifacts: [] }] });
    after.stages[1].actions[0].runOrder = 2;
    const d = diffPipelines(before, after);
    expect(d.v1ToV2).toBe(true);
    expect(d.changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
      'changed pipelineType',
      'added Deploy',
      'changed Build / Build / runOrder',
      'added Deploy / Ship',
    ]);
    const moved = structuredClone(before);
    moved.stages.push({ name: 'Later', actions: [moved.stages[1].actions.pop()!] });
    moved.stages[1].actions.push({ ...moved.stages[2].actions[0], name: 'Other' });
    expect(diffPipelines(before, moved).changes.map((c) => c.kind)).toEqual(['added', 'added', 'moved']);
  });
});
