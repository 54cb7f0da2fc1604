// The artifact audit: every pipeline of the workspace (its artifact stores, what
// it produces, its recent successful executions' keys), every bucket those name
// plus console-default-shaped ones, each bucket's settings, and every object
// version, streamed and tallied per prefix. Through the fan-out engine.
import { GetPipelineCommand, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { GetBucketEncryptionCommand, GetBucketTaggingCommand, GetBucketVersioningCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { BucketTally, claimedPrefixes, classifyBucket, emptyTally, mergeTally, monthlyCost, shapedLikeDefault, STANDARD_PRICE_PER_GB_MONTH, type LivePipelineRef } from '../../shared/artifacts/classify';
import { withCosts, type AuditReport, type BucketReport } from '../../shared/artifacts/report';
import type { PipelineDeclaration } from '../../shared/pipeline/model';
import { artifactStoresByRegion } from '../../shared/pipeline/model';
import type { AwsClients } from './clients';
import type { FanOut } from './fanout';
import { whoAmI } from './identity';
import type { ProfileInfo } from './profiles';
import { paginateObjectVersions } from './s3-versions';
import { recentSuccesses } from './pipeline-queries';

export interface AuditOptions {
  signal: AbortSignal;
  pricePerGbMonth?: number;
  blockedBuckets?: string[];
  blockedAccounts?: string[];
  onProgress?: (p: { phase: string; done: number; total: number; objects: number }) => void;
}

interface LiveWithStores extends LivePipelineRef {
  stores: Array<{ bucket: string; region: string }>;
}

export async function auditArtifacts(clients: AwsClients, fanout: FanOut, pairs: Array<{ profile: ProfileInfo; region: string }>, opts: AuditOptions): Promise<AuditReport> {
  const errors: AuditReport['errors'] = [];
  const price = opts.pricePerGbMonth ?? STANDARD_PRICE_PER_GB_MONTH;
  const profiles = [...new Map(pairs.map((p) => [p.profile.name, p.profile])).values()];
  const identities = new Map<string, { accountId: string; alias: string | null }>();
  await fanout.run(
    profiles.map((p) => ({ key: `identity:${p.name}`, profile: p })),
    async (t, gate, signal) => whoAmI(clients, t.profile, gate, signal),
    { signal: opts.signal, onOutcome: (o) => (o.ok ? identities.set(o.target.profile.name, o.value!) : errors.push({ profile: o.target.profile.name, region: null, kind: o.error!.kind, message: o.error!.message })) },
  );

  // 1. Live pipelines: stores, produced artifacts, and the latest successful execution's keys.
  const live: LiveWithStores[] = [];
  let done = 0;
  const okPairs = pairs.filter((p) => identities.has(p.profile.name));
  await fanout.run(
    okPairs.map((t) => ({ ...t, key: `${t.profile.name}|${t.region}` })),
    async (t, gate, signal) => {
      const cp = clients.codepipeline(t.profile, t.region);
      const accountId = identities.get(t.profile.name)!.accountId;
      let token: string | undefined;
      do {
        const page = await gate(() => cp.send(new ListPipelinesCommand({ nextToken: token }), { abortSignal: signal }));
        await Promise.all(
          (page.pipelines ?? []).map(async (s) => {
            const got = await gate(() => cp.send(new GetPipelineCommand({ name: s.name }), { abortSignal: signal }));
            const decl = got.pipeline as unknown as PipelineDeclaration;
            const successes = await recentSuccesses(cp, s.name!, { gate, signal });
            live.push({
              accountId,
              region: t.region,
              name: s.name!,
              produces: decl.stages.flatMap((st) => st.actions.flatMap((a) => (a.outputArtifacts ?? []).map((o) => o.name))),
              keep: successes[0]?.keys ?? [],
              successes,
              stores: Object.entries(artifactStoresByRegion(decl, t.region)).map(([region, st]) => ({ bucket: st.location, region })),
              buckets: Object.values(artifactStoresByRegion(decl, t.region)).map((st) => st.location),
            });
          }),
        );
        token = page.nextToken;
      } while (token);
    },
    {
      signal: opts.signal,
      onOutcome: (o) => {
        done++;
        opts.onProgress?.({ phase: 'pipelines', done, total: okPairs.length, objects: 0 });
        if (!o.ok) errors.push({ profile: o.target.profile.name, region: o.target.region, kind: o.error!.kind, message: o.error!.message });
      },
    },
  );

  // 2. Candidate buckets per account: declared by a pipeline, or shaped like a console default.
  const declared = new Map<string, Array<{ accountId: string; region: string; name: string }>>();
  for (const p of live) for (const b of p.stores) declared.set(b.bucket, [...(declared.get(b.bucket) ?? []), { accountId: p.accountId, region: p.region, name: p.name }]);
  const seenAccounts = new Set<string>();
  const accountProfiles = profiles.filter((p) => {
    const id = identities.get(p.name)?.accountId;
    if (!id || seenAccounts.has(id)) return false;
    seenAccounts.add(id);
    return !(opts.blockedAccounts ?? []).includes(id);
  });
  const candidates: Array<{ profile: ProfileInfo; name: string; region: string }> = [];
  await fanout.run(
    accountProfiles.map((p) => ({ key: `s3:${p.name}`, profile: p })),
    async (t, gate, signal) => {
      const r = await gate(() => clients.s3(t.profile, t.profile.region ?? 'us-east-1').send(new ListBucketsCommand({}), { abortSignal: signal }));
      for (const b of r.Buckets ?? []) {
        if (!b.Name) continue;
        if (declared.has(b.Name) || shapedLikeDefault(b.Name)) candidates.push({ profile: t.profile, name: b.Name, region: (b as { BucketRegion?: string }).BucketRegion ?? 'us-east-1' });
      }
    },
    { signal: opts.signal, onOutcome: (o) => !o.ok && errors.push({ profile: o.target.profile.name, region: null, kind: o.error!.kind, message: o.error!.message }) },
  );

  // 3. Each bucket: settings, then every version, tallied per prefix.
  let objects = 0;
  let bucketsDone = 0;
  const reports: BucketReport[] = [];
  await fanout.run(
    candidates.map((c) => ({ ...c, key: `bucket:${c.name}` })),
    async (c, gate, signal) => {
      const s3 = clients.s3(c.profile, c.region);
      const [versioning, encryption, tags] = await Promise.all([
        gate(() => s3.send(new GetBucketVersioningCommand({ Bucket: c.name }), { abortSignal: signal })).then((r) => r.Status ?? 'Disabled'),
        gate(() => s3.send(new GetBucketEncryptionCommand({ Bucket: c.name }), { abortSignal: signal })).then((r) => r.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? null, () => null),
        gate(() => s3.send(new GetBucketTaggingCommand({ Bucket: c.name }), { abortSignal: signal })).then((r) => Object.fromEntries((r.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])), () => ({}) as Record<string, string>),
      ]);
      const tally = new BucketTally(claimedPrefixes(c.name, live));
      const pages = paginateObjectVersions(s3, { Bucket: c.name, MaxKeys: 1000 }, { signal });
      for (;;) {
        const next = await gate(() => pages.next());
        if (next.done) break;
        const page = next.value;
        for (const v of page.Versions ?? []) tally.add({ key: v.Key!, versionId: v.VersionId ?? 'null', isLatest: !!v.IsLatest, deleteMarker: false, size: v.Size ?? 0, lastModified: v.LastModified?.getTime() ?? 0 });
        for (const m of page.DeleteMarkers ?? []) tally.add({ key: m.Key!, versionId: m.VersionId ?? 'null', isLatest: !!m.IsLatest, deleteMarker: true, size: 0, lastModified: m.LastModified?.getTime() ?? 0 });
        objects += (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0);
        opts.onProgress?.({ phase: 'objects', done: bucketsDone, total: candidates.length, objects });
      }
      const id = identities.get(c.profile.name)!;
      const declaredBy = declared.get(c.name) ?? [];
      const artifactBucket = declaredBy.length > 0 || shapedLikeDefault(c.name);
      const prefixes = withCosts(classifyBucket(c.name, tally, live, artifactBucket), price);
      const totals = emptyTally();
      mergeTally(totals, tally.total);
      reports.push({
        profile: c.profile.name,
        accountId: id.accountId,
        accountAlias: id.alias,
        region: c.region,
        name: c.name,
        versioning: versioning as BucketReport['versioning'],
        encryption,
        tags,
        protected: tags['pipewright:protect'] === 'true' || (opts.blockedBuckets ?? []).includes(c.name),
        declaredBy,
        shapedLikeDefault: shapedLikeDefault(c.name),
        unused: declaredBy.length === 0,
        totals: { ...totals, monthlyCost: monthlyCost(totals.bytes, price) },
        foreign: { ...tally.foreign, sample: tally.foreignSample },
        prefixes,
      });
    },
    {
      signal: opts.signal,
      onOutcome: (o) => {
        bucketsDone++;
        opts.onProgress?.({ phase: 'objects', done: bucketsDone, total: candidates.length, objects });
        if (!o.ok) errors.push({ profile: o.target.profile.name, region: o.target.region, bucket: o.target.name, kind: o.error!.kind, message: o.error!.message });
      },
    },
  );
  reports.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.name.localeCompare(b.name));
  return { version: 1, generatedAt: new Date().toISOString(), pricePerGbMonth: price, buckets: reports, errors };
}
