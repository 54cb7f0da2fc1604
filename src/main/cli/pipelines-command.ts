// `pipewright pipelines list`: the explorer's listing from a terminal, through
// the same fan-out engine. Exit code 1 only when every target failed.
import { PipelinesService } from '../services/pipelines-service';
import { withAccounts } from './cli-services';
import { CODEPIPELINE_REGIONS } from '../../shared/aws/regions';
import type { PipelineRow } from '../../shared/api/pipelines';

export interface PipelinesListOptions {
  profile: string[];
  region: string[];
  allRegions: boolean;
  json: boolean;
}

export function pipelineJson(r: PipelineRow) {
  return {
    profile: r.profile,
    accountId: r.accountId,
    region: r.region,
    name: r.name,
    pipelineType: r.pipelineType,
    executionMode: r.executionMode,
    latestExecution: r.latest
      ? { status: r.latest.status, id: r.latest.id, startTime: r.latest.startTime, revision: r.latest.revisionId ? { id: r.latest.revisionId, summary: r.latest.revisionSummary } : null }
      : null,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export async function runPipelinesList(opts: PipelinesListOptions, out = process.stdout, err = process.stderr): Promise<number> {
  return withAccounts(async (accounts) => {
    const all = accounts.profiles();
    const wanted = opts.profile.length ? opts.profile : process.env.AWS_PROFILE ? [process.env.AWS_PROFILE] : all.map((p) => p.name);
    const unknown = wanted.filter((n) => !all.some((p) => p.name === n));
    if (unknown.length) throw new Error(`No profile named ${unknown.join(', ')} in ${accounts.view().files.config} or ${accounts.view().files.credentials}.`);
    if (!wanted.length) throw new Error('No AWS profiles found. Configure ~/.aws/config, or run `pipewright sandbox` and use its profiles.');
    const envRegion = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    const pairs = wanted.flatMap((name) => {
      const profile = accounts.profile(name);
      const regions = opts.allRegions ? CODEPIPELINE_REGIONS.map((r) => r.code) : opts.region.length ? opts.region : [profile.region ?? envRegion].filter((r): r is string => !!r);
      if (!regions.length) err.write(`${name}: no region (set one in the profile, AWS_REGION, or --region)\n`);
      return regions.map((region) => ({ profile, region }));
    });
    if (!pairs.length) throw new Error('Nothing to list: no (profile, region) pair.');

    const errors: Array<{ profile: string; region: string | null; kind: string; code: string; message: string }> = [];
    const summary = await new PipelinesService(accounts).list(
      pairs,
      {
        onRows: () => {},
        onError: (t, e) => {
          errors.push({ profile: t.profile, region: t.region, kind: e.kind, code: e.code, message: e.message });
          err.write(`${t.profile} ${t.region}: ${e.kind}: ${e.message}\n`);
        },
        onTargetDone: () => {},
      },
      new AbortController().signal,
    );
    const rows = [...summary.rows].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region) || a.name.localeCompare(b.name));
    if (opts.json) out.write(JSON.stringify({ pipelines: rows.map(pipelineJson), errors }, null, 2) + '\n');
    else if (rows.length) {
      out.write(
        table([
          ['PROFILE', 'ACCOUNT', 'REGION', 'NAME', 'TYPE', 'MODE', 'LATEST', 'STARTED', 'REVISION'],
          ...rows.map((r) => [
            r.profile,
            r.accountAlias ? `${r.accountAlias} (${r.accountId})` : r.accountId,
            r.region,
            r.name,
            r.pipelineType ?? '',
            r.executionMode ?? '',
            r.latest?.status ?? '-',
            r.latest?.startTime?.replace(/\.\d+Z$/, 'Z') ?? '',
            r.latest?.revisionId ? `${r.latest.revisionId.slice(0, 7)} ${(r.latest.revisionSummary ?? '').slice(0, 40)}` : '',
          ]),
        ]) + '\n',
      );
    } else out.write('No pipelines found.\n');
    return summary.failedTargets === summary.targets ? 1 : 0;
  }, err);
}
