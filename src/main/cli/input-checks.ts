// Flag values checked against what they may be, before anything is read or started:
// an execution status, a region, a revision, whichever command takes them. A value
// outside them is bad input (exit 2) that names what is allowed, never a run that
// reports "nothing found" for a typo, nor a flag silently dropped. Loaded only when
// a command runs (index.ts's preAction hook): --help and --version read no AWS config.
import type { Command } from 'commander';
import { EXECUTION_STATUSES } from '../../shared/api/executions';
import { CODEPIPELINE_REGIONS } from '../../shared/aws/regions';
import { envDefaults } from '../accounts';
import { loadProfiles } from '../aws/profiles';
import { UsageError } from './exit-codes';

/** `--status`: one of CodePipeline's execution statuses, in any case; the service's spelling is returned. */
export function executionStatus(value: string): string {
  const found = EXECUTION_STATUSES.find((s) => s.toLowerCase() === value.trim().toLowerCase());
  if (!found) throw new UsageError(`--status ${JSON.stringify(value)}: an execution status is one of ${EXECUTION_STATUSES.join(', ')}.`);
  return found;
}

/** `--revision`: a revision to pin is never empty (CodePipeline takes 1 to 1500 characters, as the app's contract does). */
export function checkRevision(value: string): void {
  if (!value.trim()) throw new UsageError('--revision is empty: give the commit id, image digest or object version to pin, or leave the flag out.');
  if (value.length > 1500) throw new UsageError(`--revision is ${value.length} characters: CodePipeline takes at most 1500.`);
}

/**
 * Regions a command may be pointed at: where CodePipeline is offered, and any the user
 * set up (a profile's `region`, AWS_REGION), so a partition or endpoint this list does
 * not know (GovCloud, China, a local sandbox) still works once it is configured.
 */
async function allowedRegions(): Promise<Set<string>> {
  const { profiles } = await loadProfiles();
  return new Set([
    ...CODEPIPELINE_REGIONS.map((r) => r.code),
    ...profiles.map((p) => p.region).filter((r): r is string => !!r),
    ...[envDefaults().region].filter((r): r is string => !!r),
  ]);
}

/** Refuses a region that is neither known nor configured: otherwise a typo reads as "no pipelines there". */
export async function checkRegions(regions: string[], flag = '--region'): Promise<void> {
  if (!regions.length) return;
  const allowed = await allowedRegions();
  const unknown = [...new Set(regions.filter((r) => !allowed.has(r)))];
  if (unknown.length)
    throw new UsageError(
      `${flag} ${unknown.join(', ')}: not a region where CodePipeline is offered, nor one set in your AWS config. Regions: ${[...allowed].sort().join(', ')}.`,
    );
}

/** The checks above, on whichever of --region, --status and --revision the command was given. */
export async function checkFlags(command: Command): Promise<void> {
  const o = command.opts<{ region?: string | string[]; status?: string; revision?: string }>();
  if (typeof o.status === 'string') command.setOptionValue('status', executionStatus(o.status));
  if (typeof o.revision === 'string') checkRevision(o.revision);
  const regions = [o.region ?? []].flat().filter((r): r is string => typeof r === 'string');
  await checkRegions(regions);
}
