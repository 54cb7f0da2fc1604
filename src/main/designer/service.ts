// Designs against live pipelines: diff (and drift), deploy with a version
// check, and live pipelines read back as designs.
import { AppError } from '../../shared/api/errors';
import type { DesignDiffView } from '../../shared/api/contract';
import type { DesignFile } from '../../shared/pipeline/design-file';
import { diffPipelines } from '../../shared/pipeline/diff';
import { hasErrors, validatePipeline } from '../../shared/pipeline/validate';
import { isOpaqueToken } from '../../shared/pipeline/opaque';
import { deployDesign, liveToDesign, readLive, type DeployResult } from './deploy-calls';
import type { AwsAccess } from '../aws/access';

function hasTokens(v: unknown): boolean {
  if (isOpaqueToken(v)) return true;
  if (Array.isArray(v)) return v.some(hasTokens);
  if (v && typeof v === 'object') return Object.values(v).some(hasTokens);
  return false;
}

export class DesignsService {
  constructor(private accounts: AwsAccess) {}

  async diff(design: DesignFile, profileName: string, region: string): Promise<DesignDiffView> {
    const profile = this.accounts.profile(profileName);
    const live = await readLive(this.accounts.clients, profile, region, design.pipeline.name);
    const d = diffPipelines(live?.pipeline ?? null, design.pipeline);
    const wanted = new Map((design.extras?.disabledTransitions ?? []).map((t) => [t.stageName, t.reason]));
    const isOff = new Map((live?.disabledTransitions ?? []).map((t) => [t.stageName, t.reason]));
    for (const s of design.pipeline.stages) {
      if (wanted.has(s.name) && !isOff.has(s.name))
        d.changes.push({ kind: 'changed', path: `${s.name} / transition`, message: `Transition into ${s.name} will be disabled (${wanted.get(s.name)}).` });
      if (!wanted.has(s.name) && isOff.has(s.name))
        d.changes.push({ kind: 'changed', path: `${s.name} / transition`, message: `Transition into ${s.name} will be enabled.` });
    }
    const origin = design.origin;
    const conflict =
      !!live &&
      origin?.version !== undefined &&
      origin.kind === 'live' &&
      origin.profile === profileName &&
      origin.region === region &&
      origin.version !== live.version;
    return { ...d, liveVersion: live?.version ?? null, conflict };
  }

  async deploy(design: DesignFile, profileName: string, region: string, expectedVersion: number | null): Promise<DeployResult> {
    const issues = validatePipeline(design.pipeline, { region });
    if (hasErrors(issues))
      throw new AppError(
        'INVALID_INPUT',
        `The design has ${issues.filter((i) => i.severity === 'error').length} errors; fix them before deploying.`,
        issues.filter((i) => i.severity === 'error'),
      );
    if (hasTokens(design.pipeline))
      throw new AppError(
        'BAD_REQUEST',
        'The design holds template intrinsics (!Ref, !Sub, …) that only CloudFormation can resolve: deploy it as a template, or replace them with values.',
      );
    return deployDesign(this.accounts.clients, this.accounts.profile(profileName), region, design, expectedVersion);
  }

  async exportLive(profileName: string, region: string, name: string): Promise<DesignFile> {
    const profile = this.accounts.profile(profileName);
    const live = await readLive(this.accounts.clients, profile, region, name);
    if (!live) throw new AppError('NOT_FOUND', `No pipeline ${name} in ${region} for ${profileName}.`);
    return liveToDesign(live, {
      profile: profileName,
      region,
      ...(this.accounts.identityOf(profileName)?.accountId ? { accountId: this.accounts.identityOf(profileName)!.accountId! } : {}),
    });
  }
}
