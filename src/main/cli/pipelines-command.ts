// `pipewright pipelines list`: the explorer's listing from a terminal, through
// the same fan-out engine. Exit code 1 only when every target failed.
import { withServices } from './cli-services';
import { table } from './table';
import type { PipelineRow } from '../../shared/api/pipelines';
import { EXIT, UsageError } from './exit-codes';
import { terminalLine } from '../../shared/terminal-text';

export interface PipelinesListOptions {
  profile: string[];
  region: string[];
  allRegions: boolean;
  json: boolean;
}

export function pipelineJson(r: PipelineRow) {
  return {
    profile: r.profile,
    profiles: r.profiles,
    accountId: r.accountId,
    region: r.region,
    name: r.name,
    pipelineType: r.pipelineType,
    executionMode: r.executionMode,
    latestExecution: r.latest
      ? {
          status: r.latest.status,
          id: r.latest.id,
          startTime: r.latest.startTime,
          revision: r.latest.revisionId ? { id: r.latest.revisionId, summary: r.latest.revisionSummary } : null,
        }
      : null,
  };
}

export async function runPipelinesList(opts: PipelinesListOptions, out = process.stdout, err = process.stderr): Promise<number> {
  return withServices(async ({ accounts, pipelines }) => {
    if (!accounts.profiles().length) throw new Error('No AWS profiles found. Configure ~/.aws/config, or run `pipewright sandbox` and use its profiles.');
    const { pairs, unplaced } = accounts.scope({ profiles: opts.profile, regions: opts.region, allRegions: opts.allRegions });
    for (const name of unplaced) err.write(`${name}: no region (set one in the profile, AWS_REGION, or --region)\n`);
    if (!pairs.length) throw new UsageError('Nothing to list: no (profile, region) pair; give --region, or set a region in the profile or AWS_REGION.');

    const errors: Array<{ profile: string; region: string | null; kind: string; code: string; message: string }> = [];
    const summary = await pipelines.list(
      pairs,
      {
        onRows: () => {},
        onError: (t, e) => {
          errors.push({ profile: t.profile, region: t.region, kind: e.kind, code: e.code, message: e.message });
          err.write(terminalLine(`${t.profile} ${t.region}: ${e.kind}: ${e.message}`) + '\n');
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
            r.profiles.length > 1 ? r.profiles.join(', ') : r.profile,
            r.accountAlias ? `${r.accountAlias} (${r.accountId})` : r.accountId,
            r.region,
            r.name,
            r.pipelineType ?? '',
            r.executionMode ?? '',
            r.latest?.status ?? '-',
            r.latest?.startTime?.replace(/\.\d+Z$/, 'Z') ?? '',
            r.latest?.revisionId ? `${r.latest.revisionId.slice(0, 7)} ${(r.latest.revisionSummary ?? '').slice(0, 40)}` : '',
          ]),
        ]),
      );
    } else out.write('No pipelines found.\n');
    return summary.failedTargets === summary.targets ? EXIT.failed : EXIT.ok;
  }, err);
}
