// Complete coverage of one account's pipelines: the evidence an orphan verdict
// rests on. A pipeline in any region may write to a bucket anywhere (cross-region
// artifact stores), so "no live pipeline uses this prefix" needs every pipeline
// of the account, in every region CodePipeline is offered, listed completely.
//
// A region counts as empty without listing it only when the service's own
// answer proves it is not enabled for the account: account:ListRegions says
// DISABLED. An opt-in region whose call fails while that answer is missing
// stays a gap, as does any other failure: a failed call is never an empty answer.
import { ListRegionsCommand } from '@aws-sdk/client-account';
import { GetPipelineCommand } from '@aws-sdk/client-codepipeline';
import { pipelinePages } from '../aws/pipeline-pages';
import { GetBucketPolicyCommand, GetBucketTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { CODEPIPELINE_REGIONS } from '../../shared/aws/regions';
import { HistoryIncompleteError } from '../../shared/artifacts/evidence';
import type { PipelineDeclaration } from '../../shared/pipeline/model';
import type { AwsClients } from '../aws/clients';
import { declarationFromSdk } from '../aws/sdk-shapes';
import { classifyAwsError, type ClassifiedError } from '../aws/errors';
import type { CallGate, FanOut } from '../aws/fanout';
import type { ProfileInfo } from '../aws/profiles';

export type RegionStatus = 'listed' | 'failed' | 'not-enabled';

export interface RegionCoverage {
  region: string;
  status: RegionStatus;
  error?: ClassifiedError;
}

export interface ScannedPipeline {
  region: string;
  name: string;
  decl: PipelineDeclaration;
}

export interface AccountScan {
  accountId: string;
  profile: ProfileInfo;
  regions: RegionCoverage[];
  /** Why region opt-in states are unknown (account:ListRegions failed), if they are. */
  regionStatusError: ClassifiedError | null;
  pipelines: ScannedPipeline[];
}

/** Every region the scan must cover: where CodePipeline is offered, plus any region the user's scope names. */
export function regionsToCover(scopeRegions: Iterable<string> = []): string[] {
  return [...new Set([...CODEPIPELINE_REGIONS.map((r) => r.code), ...scopeRegions])];
}

/** The account's region opt-in states from account:ListRegions (every page), or the error. */
export async function regionOptStates(clients: AwsClients, profile: ProfileInfo, gate: CallGate, signal?: AbortSignal): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await gate(() => clients.account(profile).send(new ListRegionsCommand({ MaxResults: 50, NextToken: token }), { abortSignal: signal }));
    for (const r of page.Regions ?? []) if (r.RegionName && r.RegionOptStatus) states.set(r.RegionName, r.RegionOptStatus);
    token = page.NextToken;
  } while (token);
  return states;
}

/** Every pipeline of one region whose name passes `wanted`, with its declaration: every page, a GetPipeline each. */
export async function listRegionPipelines(
  clients: AwsClients,
  profile: ProfileInfo,
  region: string,
  gate: CallGate,
  signal: AbortSignal | undefined,
  wanted: (name: string) => boolean = () => true,
): Promise<ScannedPipeline[]> {
  const cp = clients.codepipeline(profile, region);
  const found: ScannedPipeline[] = [];
  for await (const summaries of pipelinePages(cp, gate, signal)) {
    const names = summaries.map((s) => s.name).filter((n): n is string => !!n && wanted(n));
    const decls = await Promise.all(
      names.map(async (name) => {
        const got = await gate(() => cp.send(new GetPipelineCommand({ name }), { abortSignal: signal }));
        return { region, name, decl: declarationFromSdk(got.pipeline, name) };
      }),
    );
    found.push(...decls);
  }
  return found;
}

/**
 * Lists every pipeline of an account in every region it must cover, side by side
 * through the fan-out engine. Never throws for a region: each region's outcome is
 * recorded, and only `listed` and `not-enabled` regions count as covered.
 */
export async function scanAccount(
  clients: AwsClients,
  fanout: FanOut,
  target: { accountId: string; profiles: ProfileInfo[] },
  opts: { signal?: AbortSignal; scopeRegions?: Iterable<string>; wanted?: (name: string) => boolean; onRegion?: (r: RegionCoverage) => void } = {},
): Promise<AccountScan> {
  const { profiles, accountId } = target;
  const profile = profiles[0];
  let states: Map<string, string> | null = null;
  let regionStatusError: ClassifiedError | null = null;
  try {
    states = await withEachProfile(profiles, opts.signal, (p) => regionOptStates(clients, p, fanout.gate(`account:${p.name}`, opts.signal), opts.signal));
  } catch (err) {
    regionStatusError = classifyAwsError(err);
    if (regionStatusError.kind === 'cancelled') throw err;
  }
  const regions: RegionCoverage[] = [];
  const pipelines: ScannedPipeline[] = [];
  const toList: string[] = [];
  for (const region of regionsToCover(opts.scopeRegions)) {
    if (states?.get(region) === 'DISABLED') {
      const r: RegionCoverage = { region, status: 'not-enabled' };
      regions.push(r);
      opts.onRegion?.(r);
    } else toList.push(region);
  }
  await fanout.run(
    toList.map((region) => ({ key: `${profile.name}|${region}`, region })),
    async (t, _gate, signal) =>
      withEachProfile(profiles, signal, (p) => listRegionPipelines(clients, p, t.region, fanout.gate(`${p.name}|${t.region}`, signal), signal, opts.wanted)),
    {
      signal: opts.signal,
      onOutcome: (o) => {
        let r: RegionCoverage;
        if (o.ok) {
          pipelines.push(...o.value!);
          r = { region: o.target.region, status: 'listed' };
        } else {
          const e = o.error!;
          const unproven = e.kind === 'region-disabled' && regionStatusError;
          r = {
            region: o.target.region,
            status: 'failed',
            error: unproven
              ? {
                  ...e,
                  message: `${e.message} Whether the region is enabled could not be confirmed: account:ListRegions failed (${regionStatusError!.code}: ${regionStatusError!.message}).`,
                }
              : e,
          };
        }
        regions.push(r);
        opts.onRegion?.(r);
      },
    },
  );
  if (opts.signal?.aborted) throw Object.assign(new Error('Cancelled.'), { name: 'AbortError' });
  regions.sort((a, b) => a.region.localeCompare(b.region));
  return { accountId, profile, regions, regionStatusError, pipelines };
}

/**
 * Runs `call` with each profile reaching the account in turn until one succeeds:
 * a least-privilege profile beside a broader one still lets the account be covered.
 * Throws the last failure when every profile fails, and at once a history read cut
 * short at its bound: another profile would read the same history, and name a lesser reason.
 */
export async function withEachProfile<T>(profiles: ProfileInfo[], signal: AbortSignal | undefined, call: (p: ProfileInfo) => Promise<T>): Promise<T> {
  let last: unknown = new Error('No profile reaches this account.');
  for (const p of profiles) {
    try {
      return await call(p);
    } catch (err) {
      if (signal?.aborted || err instanceof HistoryIncompleteError) throw err;
      last = err;
    }
  }
  throw last;
}

/**
 * The other accounts a bucket policy lets in: account ids from AWS principals
 * (ARNs or bare ids) of Allow statements. `'*'` when any principal is allowed,
 * since then no set of accounts can be covered.
 */
export function accountsGrantedByPolicy(policyText: string, owner: string): string[] | '*' {
  let doc: unknown;
  try {
    doc = JSON.parse(policyText);
  } catch {
    return '*';
  }
  const statements = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  const accounts = new Set<string>();
  for (const st of list as Array<{ Effect?: unknown; Principal?: unknown; NotPrincipal?: unknown }>) {
    if (st?.Effect !== 'Allow') continue;
    if (st.NotPrincipal !== undefined) return '*';
    const p = st.Principal;
    if (p === '*') return '*';
    if (!p || typeof p !== 'object') continue;
    // Canonical user ids and federated principals name no account we could cover.
    if (Object.keys(p).some((k) => k !== 'AWS' && k !== 'Service')) return '*';
    const aws = (p as { AWS?: unknown }).AWS;
    for (const a of Array.isArray(aws) ? aws : aws === undefined ? [] : [aws]) {
      const m = /^(?:arn:aws[a-z-]*:(?:iam|sts)::)?(\d{12})(?::|$)/.exec(String(a));
      if (!m) return '*';
      if (m[1] !== owner) accounts.add(m[1]);
    }
  }
  return [...accounts].sort();
}

/** The accounts a bucket's policy lets in besides its owner (none without a policy); throws if the policy cannot be read. */
export async function bucketSharedWith(s3: S3Client, bucket: string, owner: string, gate: CallGate = (c) => c(), signal?: AbortSignal): Promise<string[]> {
  try {
    const r = await gate(() => s3.send(new GetBucketPolicyCommand({ Bucket: bucket }), { abortSignal: signal }));
    const granted = accountsGrantedByPolicy(r.Policy ?? '{}', owner);
    return granted === '*' ? ['*'] : granted;
  } catch (err) {
    if (classifyAwsError(err).code === 'NoSuchBucketPolicy') return [];
    throw err;
  }
}

/** The bucket's tags ({} when it has none); throws if they cannot be read, since protection would then be unknown. */
export async function bucketTags(s3: S3Client, bucket: string, gate: CallGate = (c) => c(), signal?: AbortSignal): Promise<Record<string, string>> {
  try {
    const r = await gate(() => s3.send(new GetBucketTaggingCommand({ Bucket: bucket }), { abortSignal: signal }));
    return Object.fromEntries((r.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  } catch (err) {
    if (classifyAwsError(err).code === 'NoSuchTagSet') return {};
    throw err;
  }
}

export const PROTECT_TAG = 'pipewright:protect';
export const isProtectTagged = (tags: Record<string, string>) => tags[PROTECT_TAG] === 'true';
