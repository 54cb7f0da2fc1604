// The artifact audit: every pipeline of each workspace account in every region
// (its artifact stores, what it produces, its recent successful executions'
// keys), every bucket those name plus console-default-shaped ones, each
// bucket's settings, tags and policy, and every object version, streamed and
// tallied per prefix. Through the fan-out engine. What could not be read is
// recorded as coverage: it turns would-be orphans into `unverified`.
import { GetBucketEncryptionCommand, GetBucketVersioningCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import {
  BucketTally,
  claimedPrefixes,
  classifyBucket,
  emptyTally,
  mergeTally,
  monthlyCost,
  shapedLikeDefault,
  STANDARD_PRICE_PER_GB_MONTH,
  type LivePipelineRef,
} from '../../shared/artifacts/classify';
import { withCosts, type AccountCoverage, type AuditCoverage, type AuditReport, type BucketReport } from '../../shared/artifacts/report';
import { artifactStoresByRegion } from '../../shared/pipeline/model';
import type { AwsClients } from '../aws/clients';
import type { FanOut } from '../aws/fanout';
import { whoAmI } from '../aws/identity';
import type { ProfileInfo } from '../aws/profiles';
import { paginateObjectVersions } from '../aws/s3-versions';
import { recentSuccesses } from '../aws/pipeline-queries';
import { bucketSharedWith, bucketTags, isProtectTagged, regionsToCover, scanAccount, withEachProfile } from './coverage-calls';
import { listingGaps } from '../../shared/artifacts/evidence';
import { classifyAwsError } from '../aws/errors';

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

export async function auditArtifacts(
  clients: AwsClients,
  fanout: FanOut,
  pairs: Array<{ profile: ProfileInfo; region: string }>,
  opts: AuditOptions,
): Promise<AuditReport> {
  const errors: AuditReport['errors'] = [];
  const price = opts.pricePerGbMonth ?? STANDARD_PRICE_PER_GB_MONTH;
  const profiles = [...new Map(pairs.map((p) => [p.profile.name, p.profile])).values()];
  const scopeRegions = [...new Set(pairs.map((p) => p.region))];
  const identities = new Map<string, { accountId: string; alias: string | null }>();
  const unreachableProfiles: AuditCoverage['unreachableProfiles'] = [];
  await fanout.run(
    profiles.map((p) => ({ key: `identity:${p.name}`, profile: p })),
    async (t, gate, signal) => whoAmI(clients, t.profile, gate, signal),
    {
      signal: opts.signal,
      onOutcome: (o) => {
        if (o.ok) identities.set(o.target.profile.name, o.value!);
        else {
          errors.push({ profile: o.target.profile.name, region: null, kind: o.error!.kind, message: o.error!.message });
          unreachableProfiles.push({ profile: o.target.profile.name, message: o.error!.message });
        }
      },
    },
  );

  // One account, one scan: profiles reaching the same account (a role chain beside
  // the account's own keys) are one account, scanned with the first of them.
  const byAccount = new Map<string, ProfileInfo[]>();
  for (const p of profiles) {
    const id = identities.get(p.name)?.accountId;
    if (id) byAccount.set(id, [...(byAccount.get(id) ?? []), p]);
  }

  // 1. Every pipeline of each account, in every region (not just the scope's): a
  //    pipeline anywhere may write to a bucket here. Then each one's history.
  const live: LiveWithStores[] = [];
  const coverage: AccountCoverage[] = [];
  const totalRegions = byAccount.size * regionsToCover(scopeRegions).length;
  let done = 0;
  const scans = await Promise.all(
    [...byAccount].map(([accountId, ps]) =>
      scanAccount(
        clients,
        fanout,
        { accountId, profiles: ps },
        { signal: opts.signal, scopeRegions, onRegion: () => opts.onProgress?.({ phase: 'pipelines', done: ++done, total: totalRegions, objects: 0 }) },
      ),
    ),
  );
  for (const scan of scans) {
    const { accountId, profile } = scan;
    const historyFailed: AccountCoverage['historyFailed'] = [];
    await Promise.all(
      scan.pipelines.map(async ({ region, name, decl }) => {
        // History only limits retention: a denied or failed read never changes what the pipeline claims.
        const history = await withEachProfile(byAccount.get(accountId)!, opts.signal, (p) =>
          recentSuccesses(clients.codepipeline(p, region), name, { gate: fanout.gate(`${p.name}|${region}`, opts.signal), signal: opts.signal }),
        ).then(
          (successes) => ({ successes, error: undefined }),
          (err: unknown) => ({ successes: [], error: classifyAwsError(err, { region }) }),
        );
        if (history.error) {
          if (history.error.kind === 'cancelled') return;
          historyFailed.push({ pipeline: name, region, message: `${history.error.code}: ${history.error.message}` });
          errors.push({ profile: profile.name, region, kind: history.error.kind, message: `Execution history of ${name}: ${history.error.message}` });
        }
        const stores = artifactStoresByRegion(decl, region);
        live.push({
          accountId,
          region,
          name,
          produces: decl.stages.flatMap((st) => st.actions.flatMap((a) => (a.outputArtifacts ?? []).map((o) => o.name))),
          keep: history.successes[0]?.keys ?? [],
          successes: history.successes,
          ...(history.error ? { historyError: `${history.error.code}: ${history.error.message}` } : {}),
          stores: Object.entries(stores).map(([r, st]) => ({ bucket: st.location, region: r })),
          buckets: Object.values(stores).map((st) => st.location),
        });
      }),
    );
    for (const r of scan.regions)
      if (r.status === 'failed')
        errors.push({ profile: profile.name, region: r.region, kind: r.error!.kind, message: `Pipelines not listed: ${r.error!.message}` });
    coverage.push({
      accountId,
      alias: identities.get(profile.name)?.alias ?? null,
      profile: profile.name,
      profiles: byAccount.get(accountId)!.map((p) => p.name),
      listed: scan.regions.filter((r) => r.status === 'listed').map((r) => r.region),
      notEnabled: scan.regions.filter((r) => r.status === 'not-enabled').map((r) => r.region),
      failed: scan.regions.filter((r) => r.status === 'failed').map((r) => ({ region: r.region, code: r.error!.code, message: r.error!.message })),
      regionStatusError: scan.regionStatusError ? `${scan.regionStatusError.code}: ${scan.regionStatusError.message}` : null,
      historyFailed: historyFailed.sort((a, b) => a.region.localeCompare(b.region) || a.pipeline.localeCompare(b.pipeline)),
    });
  }
  live.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region) || a.name.localeCompare(b.name));
  coverage.sort((a, b) => a.accountId.localeCompare(b.accountId));
  const gapsOf = new Map(scans.map((s) => [s.accountId, listingGaps(s)]));

  // 2. Candidate buckets per account: declared by a pipeline, or shaped like a console default.
  const declared = new Map<string, Array<{ accountId: string; region: string; name: string }>>();
  for (const p of live)
    for (const b of p.stores) declared.set(b.bucket, [...(declared.get(b.bucket) ?? []), { accountId: p.accountId, region: p.region, name: p.name }]);
  const accountProfiles = [...byAccount].filter(([id]) => !(opts.blockedAccounts ?? []).includes(id)).map(([, ps]) => ps);
  const candidates: Array<{ profile: ProfileInfo; name: string; region: string }> = [];
  await fanout.run(
    accountProfiles.map((ps) => ({ key: `s3:${ps[0].name}`, profile: ps[0], profiles: ps })),
    async (t, _gate, signal) => {
      // The buckets are read with the first profile of the account that may list them.
      const { profile, r } = await withEachProfile(t.profiles, signal, async (p) => ({
        profile: p,
        r: await fanout.gate(`s3:${p.name}`, signal)(() => clients.s3(p, p.region ?? 'us-east-1').send(new ListBucketsCommand({}), { abortSignal: signal })),
      }));
      for (const b of r.Buckets ?? []) {
        if (!b.Name) continue;
        if (declared.has(b.Name) || shapedLikeDefault(b.Name))
          candidates.push({ profile, name: b.Name, region: (b as { BucketRegion?: string }).BucketRegion ?? 'us-east-1' });
      }
    },
    {
      signal: opts.signal,
      onOutcome: (o) => !o.ok && errors.push({ profile: o.target.profile.name, region: null, kind: o.error!.kind, message: o.error!.message }),
    },
  );

  // 3. Each bucket: settings, then every version, tallied per prefix.
  let objects = 0;
  let bucketsDone = 0;
  const reports: BucketReport[] = [];
  await fanout.run(
    candidates.map((c) => ({ ...c, key: `bucket:${c.name}` })),
    async (c, gate, signal) => {
      const s3 = clients.s3(c.profile, c.region);
      const owner = identities.get(c.profile.name)!.accountId;
      // An unread setting is recorded as an error (the audit is incomplete) and named by its code in the gap.
      const unread = (err: unknown, what: string) => {
        const e = classifyAwsError(err, { region: c.region });
        if (e.kind !== 'cancelled') errors.push({ profile: c.profile.name, region: c.region, bucket: c.name, kind: e.kind, message: `${what}: ${e.message}` });
        return e.code;
      };
      // Unreadable tags or policy are gaps in the evidence, not empty answers.
      const gaps = [...(gapsOf.get(owner) ?? [])];
      const [versioning, encryption, tags, sharedWith] = await Promise.all([
        gate(() => s3.send(new GetBucketVersioningCommand({ Bucket: c.name }), { abortSignal: signal })).then((r) => r.Status ?? 'Disabled'),
        gate(() => s3.send(new GetBucketEncryptionCommand({ Bucket: c.name }), { abortSignal: signal })).then(
          (r) => r.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? null,
          () => null,
        ),
        bucketTags(s3, c.name, gate, signal).catch((err: unknown) => {
          gaps.push(`its tags could not be read, so its protection is unknown (${unread(err, 'GetBucketTagging')})`);
          return {};
        }),
        bucketSharedWith(s3, c.name, owner, gate, signal).catch((err: unknown) => {
          gaps.push(`its bucket policy could not be read, so other accounts may write here (${unread(err, 'GetBucketPolicy')})`);
          return [] as string[];
        }),
      ]);
      for (const other of sharedWith) {
        if (other === '*') gaps.push('its bucket policy lets in any AWS principal, so no set of accounts covers it');
        else if (!gapsOf.has(other)) gaps.push(`its bucket policy lets in account ${other}, which no profile of the workspace reaches`);
        else gaps.push(...gapsOf.get(other)!);
      }
      const coverageGap = gaps.length ? `Not every pipeline that could write here was listed: ${gaps.join('; ')}.` : null;
      const tally = new BucketTally(claimedPrefixes(c.name, live));
      const pages = paginateObjectVersions(s3, { Bucket: c.name, MaxKeys: 1000 }, { signal });
      for (;;) {
        const next = await gate(() => pages.next());
        if (next.done) break;
        const page = next.value;
        for (const v of page.Versions ?? [])
          tally.add({
            key: v.Key!,
            versionId: v.VersionId ?? 'null',
            isLatest: !!v.IsLatest,
            deleteMarker: false,
            size: v.Size ?? 0,
            lastModified: v.LastModified?.getTime() ?? 0,
          });
        for (const m of page.DeleteMarkers ?? [])
          tally.add({
            key: m.Key!,
            versionId: m.VersionId ?? 'null',
            isLatest: !!m.IsLatest,
            deleteMarker: true,
            size: 0,
            lastModified: m.LastModified?.getTime() ?? 0,
          });
        objects += (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0);
        opts.onProgress?.({ phase: 'objects', done: bucketsDone, total: candidates.length, objects });
      }
      const id = identities.get(c.profile.name)!;
      const declaredBy = declared.get(c.name) ?? [];
      const artifactBucket = declaredBy.length > 0 || shapedLikeDefault(c.name);
      const prefixes = withCosts(classifyBucket(c.name, tally, live, artifactBucket, coverageGap), price);
      const totals = emptyTally();
      mergeTally(totals, tally.total);
      reports.push({
        profile: c.profile.name,
        accountId: id.accountId,
        accountAlias: id.alias,
        region: c.region,
        name: c.name,
        versioning: versioning,
        encryption,
        tags,
        protected: isProtectTagged(tags) || (opts.blockedBuckets ?? []).includes(c.name),
        declaredBy,
        shapedLikeDefault: shapedLikeDefault(c.name),
        unused: declaredBy.length === 0 && !coverageGap,
        sharedWith,
        coverage: { complete: !coverageGap, gaps },
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
        if (!o.ok)
          errors.push({ profile: o.target.profile.name, region: o.target.region, bucket: o.target.name, kind: o.error!.kind, message: o.error!.message });
      },
    },
  );
  reports.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.name.localeCompare(b.name));
  const complete = !errors.length && !unreachableProfiles.length && coverage.every((a) => !a.failed.length && !a.historyFailed.length);
  return {
    version: 1,
    generatedAt: new Date().toISOString(),
    pricePerGbMonth: price,
    buckets: reports,
    errors,
    coverage: { complete, scopeRegions, accounts: coverage, unreachableProfiles },
    unverified: reports.flatMap((b) =>
      b.prefixes.filter((p) => p.class === 'unverified').map((p) => ({ accountId: b.accountId, bucket: b.name, prefix: p.prefix, reason: p.reason ?? '' })),
    ),
  };
}
