// The service's structure rules, as one pure function. The sandbox rejects a
// CreatePipeline/UpdatePipeline on any error it finds (InvalidStructureException),
// and the designer shows the same findings live: one source of truth.
import { effectiveRunOrder, type ActionDeclaration, type PipelineDeclaration } from './model';
import { findProvider } from './providers';
import { isOpaqueToken } from './opaque';
import { CONDITION_KINDS, SKIP_RULES, findRule, type ConditionKind } from './rules';

export type Severity = 'error' | 'warning';
export type IssuePath = Array<string | number>;
export interface ValidationIssue {
  severity: Severity;
  code: string;
  message: string;
  /** Path into the PipelineDeclaration, e.g. ['stages', 1, 'actions', 0, 'configuration', 'ProjectName']. */
  path: IssuePath;
}

export const LIMITS = {
  maxCommands: 50,
  minStages: 2,
  maxStages: 50,
  maxActionsPerStage: 50,
  maxActionsPerPipeline: 500,
  maxRunOrder: 999,
  maxNameLength: 100,
  maxConfigKeyLength: 50,
  maxConfigValueLength: 1000,
  maxVariableNameLength: 128,
  maxTriggerFilterGlobs: 8,
  approvalTimeoutMinutes: { min: 5, max: 86_400 },
} as const;

const NAME_RE = /^[A-Za-z0-9.@\-_]+$/;
const ARTIFACT_RE = /^[A-Za-z0-9_-]+$/;
const NAMESPACE_RE = /^[A-Za-z0-9@\-_]+$/;
const VARIABLE_RE = /^[A-Za-z0-9@\-_]+$/;
const ROLE_ARN_RE = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/.+$/;

export interface ValidateOptions {
  /** The region the pipeline lives in; needed to tell cross-region actions apart. */
  region?: string;
}

/** Is this value an imported template's intrinsic (a token)? Its real value is known only at deploy time. */
function isOpaque(v: unknown): boolean {
  return isOpaqueToken(v) || (typeof v === 'object' && v !== null);
}

/** The actions that run outside the pipeline's region (any action with a region, when that is unknown). */
export function crossRegionActions(p: PipelineDeclaration, pipelineRegion?: string): Array<{ name: string; region: string }> {
  return p.stages.flatMap((s) =>
    s.actions.flatMap((a) => (typeof a.region === 'string' && !isOpaque(a.region) && a.region !== pipelineRegion ? [{ name: a.name, region: a.region }] : [])),
  );
}

export function validatePipeline(p: PipelineDeclaration, opts: ValidateOptions = {}): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const err = (code: string, message: string, path: IssuePath) => out.push({ severity: 'error', code, message, path });
  const warn = (code: string, message: string, path: IssuePath) => out.push({ severity: 'warning', code, message, path });

  const checkName = (kind: string, name: unknown, path: IssuePath) => {
    if (isOpaque(name)) return;
    if (typeof name !== 'string' || name.length < 1 || name.length > LIMITS.maxNameLength)
      err('NAME_LENGTH', `${kind} name must be 1 to ${LIMITS.maxNameLength} characters.`, path);
    else if (!NAME_RE.test(name)) err('NAME_CHARS', `${kind} name "${name}" may only use letters, digits and . @ - _`, path);
  };

  checkName('Pipeline', p.name, ['name']);
  if (!p.roleArn) err('ROLE_ARN_MISSING', 'A pipeline needs a service role (roleArn).', ['roleArn']);
  else if (!isOpaque(p.roleArn) && !ROLE_ARN_RE.test(p.roleArn)) err('ROLE_ARN_INVALID', `roleArn "${p.roleArn}" is not an IAM role ARN.`, ['roleArn']);

  // Artifact stores
  const hasStore = !!p.artifactStore;
  const stores = p.artifactStores ?? {};
  const hasStores = Object.keys(stores).length > 0;
  if (hasStore && hasStores) err('ARTIFACT_STORE_BOTH', 'Use either artifactStore or artifactStores, not both.', ['artifactStores']);
  if (!hasStore && !hasStores) err('ARTIFACT_STORE_MISSING', 'A pipeline needs an artifact store.', ['artifactStore']);
  for (const [region, store] of Object.entries(stores)) {
    if (!store.location) err('ARTIFACT_STORE_LOCATION', `The artifact store for ${region} needs a bucket.`, ['artifactStores', region, 'location']);
  }
  if (p.artifactStore && !p.artifactStore.location) err('ARTIFACT_STORE_LOCATION', 'The artifact store needs a bucket.', ['artifactStore', 'location']);

  // Pipeline type and V2-only fields
  const type = p.pipelineType;
  if (type !== undefined && type !== 'V1' && type !== 'V2') err('PIPELINE_TYPE', `pipelineType must be V1 or V2, not "${type}".`, ['pipelineType']);
  const mode = p.executionMode;
  if (mode !== undefined && !['SUPERSEDED', 'QUEUED', 'PARALLEL'].includes(mode))
    err('EXECUTION_MODE', `executionMode must be SUPERSEDED, QUEUED or PARALLEL, not "${mode}".`, ['executionMode']);
  const v2Fields: Array<[string, IssuePath]> = [];
  if (mode === 'QUEUED' || mode === 'PARALLEL') v2Fields.push([`executionMode ${mode}`, ['executionMode']]);
  if (p.variables?.length) v2Fields.push(['variables', ['variables']]);
  if (p.triggers?.length) v2Fields.push(['triggers', ['triggers']]);
  p.stages.forEach((s, si) => {
    if (s.onSuccess || s.beforeEntry || s.onFailure?.conditions) v2Fields.push([`stage conditions in "${s.name}"`, ['stages', si]]);
    s.actions.forEach((a, ai) => {
      if (findProvider(a.actionTypeId)?.v2Only) v2Fields.push([`the ${a.actionTypeId.provider} action "${a.name}"`, ['stages', si, 'actions', ai]]);
    });
  });
  for (const [what, path] of v2Fields) {
    if (type === 'V1') err('V2_ONLY', `${what} needs pipelineType V2.`, path);
    else if (type === undefined)
      warn('V2_IMPLICIT', `${what} makes this a V2 pipeline, which is priced per action-minute. Set pipelineType to V2 to make that explicit.`, path);
  }

  (p.variables ?? []).forEach((v, i) => {
    if (!VARIABLE_RE.test(v.name) || v.name.length > LIMITS.maxVariableNameLength)
      err('VARIABLE_NAME', `Variable name "${v.name}" must be 1 to 128 of letters, digits and @ - _.`, ['variables', i, 'name']);
  });
  const dupVars = duplicates((p.variables ?? []).map((v) => v.name));
  for (const d of dupVars) err('VARIABLE_DUPLICATE', `Variable "${d}" is declared twice.`, ['variables']);

  // Stages
  if (p.stages.length < LIMITS.minStages || p.stages.length > LIMITS.maxStages)
    err('STAGE_COUNT', `A pipeline has ${LIMITS.minStages} to ${LIMITS.maxStages} stages; this one has ${p.stages.length}.`, ['stages']);
  for (const d of duplicates(p.stages.map((s) => s.name)))
    err('STAGE_DUPLICATE', `Stage name "${d}" is used twice.`, ['stages', p.stages.findLastIndex((s) => s.name === d), 'name']);

  let totalActions = 0;
  const produced = new Map<string, { stage: number; runOrder: number; path: IssuePath }>();
  const consumed = new Set<string>();
  const pipelineRegion = opts.region;

  // First pass: producers (to report "produced later" precisely).
  p.stages.forEach((s, si) =>
    s.actions.forEach((a, ai) =>
      (a.outputArtifacts ?? []).forEach((o, oi) => {
        const path = ['stages', si, 'actions', ai, 'outputArtifacts', oi, 'name'];
        if (produced.has(o.name))
          err('ARTIFACT_DUPLICATE_OUTPUT', `Output artifact "${o.name}" is produced twice; output names are unique in a pipeline.`, path);
        else produced.set(o.name, { stage: si, runOrder: effectiveRunOrder(a), path });
      }),
    ),
  );

  p.stages.forEach((s, si) => {
    checkName('Stage', s.name, ['stages', si, 'name']);
    totalActions += s.actions.length;
    if (s.actions.length < 1 || s.actions.length > LIMITS.maxActionsPerStage)
      err('ACTION_COUNT', `Stage "${s.name}" must have 1 to ${LIMITS.maxActionsPerStage} actions.`, ['stages', si, 'actions']);
    for (const d of duplicates(s.actions.map((a) => a.name)))
      err('ACTION_DUPLICATE', `Action name "${d}" is used twice in stage "${s.name}".`, [
        'stages',
        si,
        'actions',
        s.actions.findLastIndex((a) => a.name === d),
        'name',
      ]);

    s.actions.forEach((a, ai) => {
      const at: IssuePath = ['stages', si, 'actions', ai];
      validateAction(a, at, si);
    });
  });

  function validateAction(a: ActionDeclaration, at: IssuePath, si: number) {
    checkName('Action', a.name, [...at, 'name']);
    const isSource = a.actionTypeId.category === 'Source';
    if (si === 0 && !isSource)
      err('SOURCE_STAGE_ONLY_SOURCE', `The first stage may hold only source actions; "${a.name}" is ${a.actionTypeId.category}.`, [...at, 'actionTypeId']);
    if (si > 0 && isSource) err('SOURCE_NOT_FIRST', `Source action "${a.name}" must be in the first stage.`, [...at, 'actionTypeId']);
    const ro = effectiveRunOrder(a);
    if (ro < 1 || ro > LIMITS.maxRunOrder) err('RUN_ORDER', `runOrder must be 1 to ${LIMITS.maxRunOrder}; "${a.name}" has ${ro}.`, [...at, 'runOrder']);
    if (a.roleArn && !isOpaque(a.roleArn) && !ROLE_ARN_RE.test(a.roleArn))
      err('ACTION_ROLE_ARN_INVALID', `roleArn "${a.roleArn}" of "${a.name}" is not an IAM role ARN.`, [...at, 'roleArn']);
    if (a.namespace !== undefined && !NAMESPACE_RE.test(a.namespace))
      err('NAMESPACE', `Namespace "${a.namespace}" may only use letters, digits and @ - _.`, [...at, 'namespace']);

    const spec = findProvider(a.actionTypeId);
    const ins = a.inputArtifacts ?? [];
    const outs = a.outputArtifacts ?? [];
    if (!spec) {
      if (a.actionTypeId.owner === 'AWS')
        err('PROVIDER_UNKNOWN', `No ${a.actionTypeId.category} provider "${a.actionTypeId.provider}" is owned by AWS.`, [...at, 'actionTypeId', 'provider']);
      else warn('PROVIDER_CUSTOM', `"${a.actionTypeId.provider}" is a custom or third-party action type; its rules are not checked.`, [...at, 'actionTypeId']);
    } else {
      if (ins.length < spec.inputs.min || ins.length > spec.inputs.max)
        err('INPUT_COUNT', `${spec.label} takes ${range(spec.inputs)} input artifacts; "${a.name}" has ${ins.length}.`, [...at, 'inputArtifacts']);
      if (outs.length < spec.outputs.min || outs.length > spec.outputs.max)
        err('OUTPUT_COUNT', `${spec.label} produces ${range(spec.outputs)} output artifacts; "${a.name}" has ${outs.length}.`, [...at, 'outputArtifacts']);
      for (const field of spec.config) {
        if (field.required === true && !a.configuration?.[field.name])
          err('CONFIG_REQUIRED', `${spec.label} needs ${field.name}.`, [...at, 'configuration', field.name]);
      }
      if (spec.provider === 'CodeBuild' && ins.length > 1 && !a.configuration?.PrimarySource)
        err('CONFIG_REQUIRED', 'CodeBuild with several inputs needs PrimarySource.', [...at, 'configuration', 'PrimarySource']);
      if (spec.category === 'Approval') {
        if (!a.configuration?.NotificationArn)
          warn('APPROVAL_NO_NOTIFICATION', `Manual approval "${a.name}" notifies nobody (no NotificationArn).`, [...at, 'configuration', 'NotificationArn']);
        if (
          a.timeoutInMinutes !== undefined &&
          (a.timeoutInMinutes < LIMITS.approvalTimeoutMinutes.min || a.timeoutInMinutes > LIMITS.approvalTimeoutMinutes.max)
        )
          err('APPROVAL_TIMEOUT', `A manual approval times out after 5 to 86,400 minutes.`, [...at, 'timeoutInMinutes']);
      }
      if (spec.provider === 'Commands') {
        const commands = a.commands ?? [];
        if (!commands.length) err('COMMANDS_REQUIRED', `Commands action "${a.name}" needs at least one command.`, [...at, 'commands']);
        else if (commands.length > LIMITS.maxCommands)
          err('COMMANDS_COUNT', `A Commands action runs at most ${LIMITS.maxCommands} commands; "${a.name}" has ${commands.length}.`, [...at, 'commands']);
        commands.forEach((c, ci) => {
          if (!isOpaque(c) && (c.length < 1 || c.length > LIMITS.maxConfigValueLength || c.includes('\n')))
            err('COMMAND_FORMAT', `Each command is one line of 1 to 1,000 characters (command ${ci + 1} of "${a.name}").`, [...at, 'commands', ci]);
        });
      }
      if (isSource && a.configuration?.PollForSourceChanges === 'true')
        warn('SOURCE_POLLING', `Source "${a.name}" polls for changes; event-based detection is faster and cheaper.`, [
          ...at,
          'configuration',
          'PollForSourceChanges',
        ]);
    }
    for (const [k, v] of Object.entries(a.configuration ?? {})) {
      if (k.length > LIMITS.maxConfigKeyLength)
        err('CONFIG_KEY_LENGTH', `Configuration key "${k.slice(0, 60)}…" is over 50 characters.`, [...at, 'configuration', k]);
      if (typeof v === 'string' && v.length > LIMITS.maxConfigValueLength)
        err('CONFIG_VALUE_LENGTH', `Configuration value of ${k} is over 1,000 characters.`, [...at, 'configuration', k]);
    }
    outs.forEach((o, oi) => {
      if (!ARTIFACT_RE.test(o.name) || o.name.length > LIMITS.maxNameLength)
        err('ARTIFACT_NAME', `Artifact name "${o.name}" may only use letters, digits, _ and -.`, [...at, 'outputArtifacts', oi, 'name']);
    });
    ins.forEach((i, ii) => {
      consumed.add(i.name);
      const src = produced.get(i.name);
      const ok = src && (src.stage < si || (src.stage === si && src.runOrder < ro));
      if (!src) err('INPUT_NOT_PRODUCED', `Input artifact "${i.name}" of "${a.name}" is not produced by any action.`, [...at, 'inputArtifacts', ii, 'name']);
      else if (!ok)
        err('INPUT_NOT_EARLIER', `Input artifact "${i.name}" of "${a.name}" must come from an earlier stage or a lower runOrder.`, [
          ...at,
          'inputArtifacts',
          ii,
          'name',
        ]);
    });
    // Cross-region
    if (a.region && pipelineRegion && a.region !== pipelineRegion) {
      if (spec && !spec.crossRegion) err('CROSS_REGION_NOT_ALLOWED', `${spec.label} actions cannot run in another region.`, [...at, 'region']);
      else if (!spec && a.actionTypeId.owner !== 'AWS')
        err('CROSS_REGION_NOT_ALLOWED', 'Custom and third-party actions cannot be cross-region.', [...at, 'region']);
      if (hasStores && !stores[a.region])
        err('CROSS_REGION_STORE', `Action "${a.name}" runs in ${a.region}, so artifactStores needs a bucket for ${a.region}.`, ['artifactStores', a.region]);
      if (hasStores && !stores[pipelineRegion])
        err('CROSS_REGION_STORE', `Cross-region pipelines need artifactStores with a bucket for the pipeline's region ${pipelineRegion}.`, [
          'artifactStores',
          pipelineRegion,
        ]);
    }
  }

  // A cross-region action needs artifactStores (a bucket per region): artifactStore alone is refused by the service.
  // With the pipeline's region unknown (a design not tied to one), any action region counts as another region.
  const crossRegion = crossRegionActions(p, pipelineRegion);
  if (crossRegion.length && !hasStores) {
    const first = crossRegion[0];
    err(
      'CROSS_REGION_NEEDS_STORES',
      `Action "${first.name}" runs in ${first.region}${pipelineRegion ? `, not the pipeline's ${pipelineRegion}` : ''}: a cross-region pipeline needs artifactStores (a bucket for its own region and one for each action region), not artifactStore.`,
      ['artifactStore'],
    );
  }

  if (totalActions > LIMITS.maxActionsPerPipeline)
    err('ACTION_TOTAL', `A pipeline has at most ${LIMITS.maxActionsPerPipeline} actions; this one has ${totalActions}.`, ['stages']);
  if (p.stages.length >= 2 && !p.stages.slice(1).some((s) => s.actions.some((a) => a.actionTypeId.category !== 'Source')))
    err('NO_NON_SOURCE_STAGE', 'After the source stage, at least one stage needs a non-source action.', ['stages', 1]);

  for (const [name, src] of produced) {
    if (!consumed.has(name)) warn('ARTIFACT_UNUSED', `Artifact "${name}" is produced but never consumed.`, src.path);
  }

  // Triggers
  (p.triggers ?? []).forEach((t, ti) => {
    const tp: IssuePath = ['triggers', ti];
    if (t.providerType !== 'CodeStarSourceConnection')
      err('TRIGGER_PROVIDER', 'Triggers support providerType CodeStarSourceConnection only.', [...tp, 'providerType']);
    const source = t.gitConfiguration?.sourceActionName;
    const sourceAction = p.stages[0]?.actions.find((a) => a.name === source);
    if (!sourceAction)
      err('TRIGGER_SOURCE', `Trigger names source action "${source}", which is not in the first stage.`, [...tp, 'gitConfiguration', 'sourceActionName']);
    else if (sourceAction.actionTypeId.provider !== 'CodeStarSourceConnection')
      err('TRIGGER_SOURCE', `Trigger source "${source}" must be a CodeStarSourceConnection action.`, [...tp, 'gitConfiguration', 'sourceActionName']);
    const filters = [...(t.gitConfiguration?.push ?? []), ...(t.gitConfiguration?.pullRequest ?? [])] as Array<Record<string, unknown>>;
    filters.forEach((flt) => {
      for (const key of ['branches', 'tags', 'filePaths']) {
        const g = flt[key] as { includes?: string[]; excludes?: string[] } | undefined;
        if ((g?.includes?.length ?? 0) > LIMITS.maxTriggerFilterGlobs || (g?.excludes?.length ?? 0) > LIMITS.maxTriggerFilterGlobs)
          err('TRIGGER_FILTER_COUNT', `A trigger ${key} filter takes at most 8 includes and 8 excludes.`, [...tp, 'gitConfiguration']);
      }
    });
  });

  // Stage conditions
  p.stages.forEach((s, si) => {
    const check = (kind: string, result: string | undefined, allowed: string[]) => {
      if (result !== undefined && !allowed.includes(result))
        err('CONDITION_RESULT', `${kind} result must be ${allowed.join(' or ')}, not "${result}".`, ['stages', si, kind]);
    };
    s.beforeEntry?.conditions.forEach((c) => check('beforeEntry', c.result, ['FAIL', 'SKIP']));
    s.onSuccess?.conditions.forEach((c) => check('onSuccess', c.result, ['ROLLBACK', 'FAIL']));
    check('onFailure', s.onFailure?.result, ['ROLLBACK', 'RETRY']);
    for (const kind of Object.keys(CONDITION_KINDS) as ConditionKind[]) {
      (s[kind]?.conditions ?? []).forEach((c, ci) => {
        const cp: IssuePath = ['stages', si, kind, 'conditions', ci];
        if (!c.rules?.length) err('CONDITION_NO_RULES', `A ${CONDITION_KINDS[kind].label.toLowerCase()} condition needs at least one rule.`, cp);
        (c.rules ?? []).forEach((r, ri) => {
          const rp: IssuePath = [...cp, 'rules', ri];
          checkName('Rule', r.name, [...rp, 'name']);
          const spec = findRule(r.ruleTypeId?.provider);
          for (const f of spec?.config ?? []) {
            if (f.required === true && !r.configuration?.[f.name])
              err('RULE_CONFIG_REQUIRED', `${spec!.label} rule "${r.name}" needs ${f.name}.`, [...rp, 'configuration', f.name]);
            const v = r.configuration?.[f.name];
            if (v && f.enumValues && !isOpaqueToken(v) && !f.enumValues.includes(v))
              err('RULE_CONFIG_ENUM', `${f.name} must be one of ${f.enumValues.join(', ')}.`, [...rp, 'configuration', f.name]);
          }
          if (kind === 'beforeEntry' && c.result === 'SKIP' && r.ruleTypeId?.provider && !SKIP_RULES.includes(r.ruleTypeId.provider))
            err('CONDITION_SKIP_RULE', `A SKIP entry condition takes ${SKIP_RULES.join(' and ')} rules only, not ${r.ruleTypeId.provider}.`, [
              ...rp,
              'ruleTypeId',
            ]);
        });
      });
    }
    if (s.onFailure?.result === 'RETRY' && s.onFailure.conditions?.length)
      err('CONDITION_RETRY_WITH_CONDITIONS', 'Automatic retry cannot be combined with on-failure conditions.', ['stages', si, 'onFailure']);
    if (
      s.onFailure?.result === 'RETRY' &&
      s.onFailure.retryConfiguration?.retryMode &&
      !['FAILED_ACTIONS', 'ALL_ACTIONS'].includes(s.onFailure.retryConfiguration.retryMode)
    )
      err('CONDITION_RETRY_MODE', 'retryMode must be FAILED_ACTIONS or ALL_ACTIONS.', ['stages', si, 'onFailure', 'retryConfiguration']);
    if (si === 0 && s.onFailure?.result === 'ROLLBACK') err('CONDITION_ROLLBACK_SOURCE', 'The source stage cannot roll back.', ['stages', si, 'onFailure']);
  });

  return out;
}

export function hasErrors(issues: ValidationIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

function range(r: { min: number; max: number }): string {
  return r.min === r.max ? String(r.min) : `${r.min} to ${r.max}`;
}

function duplicates(names: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  return [...dup];
}
