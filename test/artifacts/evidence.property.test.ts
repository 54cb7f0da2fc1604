// The evidence rule, property-based over the whole path: audit → plan → executor,
// with the real SDK clients against the sandbox. Random live pipelines across two
// accounts and four regions (20-character name collisions, cross-region stores,
// buckets shared by policy with a covered or an unknown account, an account
// reached by two profiles), a random scope (profiles and regions left out),
// denials injected per operation, account and region, and protection added
// between the plan and the run. The invariants:
// - no key of a folder a live pipeline produces into, in a bucket it writes to, is ever deleted;
// - no key in a bucket protected at the time of deletion is ever deleted;
// - nothing outside the plan's prefixes is deleted;
// - every orphan the plan holds stands on complete coverage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Settings } from '../../src/shared/api/settings';
import { buildPlan, auditedPrefixes } from '../../src/shared/artifacts/report';
import { checkPlanAgainstAudit } from '../../src/shared/artifacts/plan';
import { artifactStoresByRegion, type PipelineDeclaration } from '../../src/shared/pipeline/model';
import { current } from '../../src/sandbox/services/codepipeline/records';
import { FaultRule } from '../../src/sandbox/faults';
import { startServices } from '../helpers/services';
import { confirmedCleanup } from '../helpers/confirm';

const A = '111111111111';
const B = '222222222222';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'];
const BUCKETS: Record<string, Array<{ name: string; region: string }>> = {
  [A]: [
    { name: `codepipeline-us-east-1-${A}`, region: 'us-east-1' },
    { name: 'dev-artifacts-eu-west-1', region: 'eu-west-1' },
  ],
  [B]: [
    { name: `codepipeline-us-east-1-${B}`, region: 'us-east-1' },
    { name: 'staging-artifacts-eu-west-1', region: 'eu-west-1' },
  ],
};
const ALL_BUCKETS = [...BUCKETS[A], ...BUCKETS[B]];
const owner = (bucket: string) => (BUCKETS[A].some((b) => b.name === bucket) ? A : B);
const NAMES = ['payments-service-api-blue', 'payments-service-api-green', 'web-frontend', 'orders', 'legacy-monolith-pipeline'];
const FOLDERS: Record<string, string> = { SourceOutput: 'SourceOutp', BuildOutput: 'BuildOutpu', TestReports: 'TestReport' };

const pipelineArb = fc.record({
  name: fc.constantFrom(...NAMES),
  account: fc.constantFrom(A, B),
  region: fc.constantFrom(...REGIONS),
  bucket: fc.nat(1),
  /** A second store in eu-west-1, for a cross-region deploy action. */
  crossRegion: fc.boolean(),
  outputs: fc.subarray(['BuildOutput', 'TestReports'], { minLength: 0 }),
});

const faultArb = fc.oneof(
  fc.record({
    service: fc.constant('codepipeline' as const),
    operation: fc.constantFrom('ListPipelines', 'GetPipeline', 'ListPipelineExecutions', 'ListActionExecutions'),
    account: fc.constantFrom(A, B),
    region: fc.constantFrom(...REGIONS),
  }),
  fc.record({
    service: fc.constant('s3' as const),
    operation: fc.constantFrom('GetBucketPolicy', 'GetBucketTagging', 'ListBuckets'),
    account: fc.constantFrom(A, B),
  }),
  fc.record({ service: fc.constant('account' as const), operation: fc.constant('ListRegions'), account: fc.constantFrom(A, B) }),
);

const scenarioArb = fc.record({
  pipelines: fc.uniqueArray(pipelineArb, { maxLength: 7, selector: (p) => `${p.account}|${p.region}|${p.name}` }),
  /** Keys of deleted pipelines and leftovers: prefix, folder, bucket. */
  extras: fc.array(
    fc.record({
      name: fc.constantFrom(...NAMES, 'retired-batch-jobs'),
      folder: fc.constantFrom('SourceOutp', 'BuildOutpu', 'TestReport', 'OldArtifac'),
      bucket: fc.constantFrom(...ALL_BUCKETS.map((b) => b.name)),
    }),
    { maxLength: 8 },
  ),
  grants: fc.array(fc.record({ bucket: fc.constantFrom(...ALL_BUCKETS.map((b) => b.name)), to: fc.constantFrom(A, B, '444444444444') }), { maxLength: 2 }),
  profiles: fc.subarray(['sandbox-dev', 'sandbox-auditor', 'sandbox-staging'], { minLength: 1 }),
  regions: fc.subarray(REGIONS, { minLength: 1 }),
  faults: fc.array(faultArb, { maxLength: 2 }),
  faultsDuringRun: fc.boolean(),
  protectAfterPlan: fc.option(fc.record({ bucket: fc.constantFrom(...ALL_BUCKETS.map((b) => b.name)), how: fc.constantFrom('tag', 'blocklist') }), {
    nil: undefined,
  }),
});

let services: Awaited<ReturnType<typeof startServices>>;
const settings = Settings.parse({});

beforeAll(async () => {
  services = await startServices({ seed: 'empty', settings });
});
afterAll(() => services.stop());

let keyCounter = 0;
const id7 = () => `K${String(++keyCounter % 1_000_000).padStart(6, '0')}`;

interface PipelineSpec {
  name: string;
  account: string;
  region: string;
  bucket: number;
  crossRegion: boolean;
  outputs: string[];
}

function declaration(p: PipelineSpec): PipelineDeclaration {
  const buckets = BUCKETS[p.account];
  const primary = buckets[p.bucket].name;
  const cross = p.crossRegion && p.region !== 'eu-west-1';
  const build = p.outputs.length
    ? [
        {
          name: 'Build',
          actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
          runOrder: 1,
          configuration: { ProjectName: 'b' },
          inputArtifacts: [{ name: 'SourceOutput' }],
          outputArtifacts: p.outputs.map((name) => ({ name })),
        },
      ]
    : [{ name: 'Approve', actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' }, runOrder: 1, configuration: {} }];
  const deploy = cross
    ? [
        {
          name: 'Deploy',
          actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
          runOrder: 1,
          region: 'eu-west-1',
          configuration: { ActionMode: 'CREATE_UPDATE', StackName: 's', TemplatePath: 'SourceOutput::t.yaml', RoleArn: `arn:aws:iam::${p.account}:role/cfn` },
          inputArtifacts: [{ name: 'SourceOutput' }],
          outputArtifacts: [],
        },
      ]
    : [];
  return {
    name: p.name,
    roleArn: `arn:aws:iam::${p.account}:role/service-role/pipeline`,
    ...(cross
      ? { artifactStores: { [p.region]: { type: 'S3', location: primary }, 'eu-west-1': { type: 'S3', location: buckets[1].name } } }
      : { artifactStore: { type: 'S3', location: primary } }),
    stages: [
      {
        name: 'Source',
        actions: [
          {
            name: 'Source',
            actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
            runOrder: 1,
            configuration: { RepositoryName: 'r', BranchName: 'main' },
            outputArtifacts: [{ name: 'SourceOutput' }],
            inputArtifacts: [],
          },
        ],
      },
      { name: 'Build', actions: build },
      ...(deploy.length ? [{ name: 'Deploy', actions: deploy }] : []),
    ],
  };
}

/** Every (bucket, key) now, with its version count. */
function snapshot(): Map<string, number> {
  const out = new Map<string, number>();
  for (const b of services.sb.s3.buckets.values()) for (const [key, versions] of b.objects) out.set(`${b.name}|${key}`, versions.length);
  return out;
}

describe('the evidence rule over audit → plan → executor (property-based, against the sandbox)', () => {
  it('never deletes a live pipeline’s artifacts, or anything in a bucket protected at the time, whatever the coverage', async () => {
    let runs = 0;
    let orphansPlanned = 0;
    let unverifiedSeen = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (sc) => {
        runs++;
        const sb = services.sb;
        await sb.reset('empty');
        sb.config.startOnCreate = false;
        settings.workspace = { profiles: sc.profiles, regions: sc.regions };
        settings.artifacts = { ...settings.artifacts, blockedBuckets: [], blockedAccounts: [] };
        for (const b of ALL_BUCKETS) sb.s3.createBucket(b.name, owner(b.name), b.region).versioning = 'Enabled';
        for (const g of sc.grants) {
          if (g.to === owner(g.bucket)) continue;
          sb.s3.buckets.get(g.bucket)!.policy = JSON.stringify({
            Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${g.to}:root`] }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${g.bucket}/*` }],
          });
        }
        for (const p of sc.pipelines) {
          const decl = declaration(p);
          const res = sb.invoke('codepipeline', p.account, p.region, { target: 'CreatePipeline', body: { pipeline: decl } });
          expect(res.status, String(res.body)).toBe(200);
          // Artifacts in every store, under every folder it produces.
          for (const st of Object.values(artifactStoresByRegion(decl, p.region)))
            for (const out of ['SourceOutput', ...p.outputs])
              sb.s3.putObject(sb.s3.buckets.get(st.location)!, `${p.name.slice(0, 20)}/${FOLDERS[out]}/${id7()}.zip`, Buffer.from('a'));
        }
        for (const e of sc.extras) sb.s3.putObject(sb.s3.buckets.get(e.bucket)!, `${e.name.slice(0, 20)}/${e.folder}/${id7()}`, Buffer.from('o'));
        sb.faults.set(sc.faults.map((f) => FaultRule.parse({ ...f, denyRate: 1 })));

        const artifacts = services.artifacts();
        const report = await artifacts.audit(services.pipelines.targets(), { signal: new AbortController().signal });
        const plan = buildPlan(report, { include: ['orphan', 'stale'] });
        checkPlanAgainstAudit(plan, auditedPrefixes(report));
        unverifiedSeen += report.unverified?.length ?? 0;

        // Ground truth: every live pipeline, in every account and region, and what it writes where.
        const live = sb.tables.all().map((r) => {
          const decl = current(r);
          return {
            prefix: r.name.slice(0, 20),
            buckets: Object.values(artifactStoresByRegion(decl, r.region)).map((s) => s.location),
            folders: decl.stages.flatMap((s) => s.actions.flatMap((a) => (a.outputArtifacts ?? []).map((o) => o.name.slice(0, 10)))),
          };
        });
        for (const item of plan.items.filter((i) => i.class === 'orphan')) {
          orphansPlanned++;
          const bucket = report.buckets.find((b) => b.name === item.bucket)!;
          expect(bucket.coverage.complete, `orphan ${item.bucket}/${item.prefix} planned without complete coverage`).toBe(true);
          expect(
            live.some((l) => l.buckets.includes(item.bucket) && `${l.prefix}/` === item.prefix),
            `orphan ${item.bucket}/${item.prefix} is claimed by a live pipeline`,
          ).toBe(false);
        }

        // Protection added between the plan and the run.
        const protectedNow = new Set<string>();
        if (sc.protectAfterPlan) {
          const { bucket, how } = sc.protectAfterPlan;
          if (how === 'tag') sb.s3.buckets.get(bucket)!.tags = { 'pipewright:protect': 'true' };
          else settings.artifacts = { ...settings.artifacts, blockedBuckets: [bucket] };
          protectedNow.add(bucket);
        }
        if (!sc.faultsDuringRun) sb.faults.clear();

        const before = snapshot();
        const result = await artifacts.clean(plan, {
          against: report,
          confirmed: confirmedCleanup(plan),
          dryRun: false,
          signal: new AbortController().signal,
          keyRetries: 0,
          retryBaseMs: 1,
        });
        const after = snapshot();
        const deleted = [...before.keys()].filter((k) => (after.get(k) ?? 0) < before.get(k)!);
        for (const k of deleted) {
          const [bucket, key] = k.split('|');
          const [prefix, folder] = key.split('/');
          expect(protectedNow.has(bucket), `${k} deleted from a bucket protected at the time`).toBe(false);
          expect(
            live.some((l) => l.buckets.includes(bucket) && l.prefix === prefix && l.folders.includes(folder)),
            `${k} belongs to a live pipeline`,
          ).toBe(false);
          expect(
            plan.items.some((i) => i.bucket === bucket && key.startsWith(i.prefix)),
            `${k} is outside the plan`,
          ).toBe(true);
        }
        for (const s of result.skipped) expect(s.reason).not.toBe('');
      }),
      { numRuns: 24, seed: 20261130, endOnFailure: true },
    );
    expect(runs).toBe(24);
    // The generator reaches both sides of the rule: orphans that were planned, and would-be orphans held back.
    expect(orphansPlanned).toBeGreaterThan(3);
    expect(unverifiedSeen).toBeGreaterThan(3);
  }, 240_000);
});
