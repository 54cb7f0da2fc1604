// Properties of the selection: the pipeline (name, role, stores, V2
// settings), a stage (name, order, transition), or an action (provider form
// from the catalog, artifact pickers offering only valid upstream artifacts,
// region with its artifact store).
import { useEffect, useRef } from 'react';
import type { ActionDeclaration, PipelineDeclaration, PipelineVariableDeclaration } from '../../../../shared/pipeline/model';
import { effectiveRunOrder } from '../../../../shared/pipeline/model';
import { findProvider } from '../../../../shared/pipeline/providers';
import {
  moveStage,
  removeAction,
  removeStage,
  renameStage,
  updateAction,
  updateStage,
  upstreamArtifacts,
  withConfigValue,
} from '../../../../shared/pipeline/edit';
import { conditionalInfo } from '../../../../shared/pipeline/opaque';
import { stringifyYaml } from '../../../../shared/pipeline/template';
import { CODEPIPELINE_REGIONS } from '../../../../shared/aws/regions';
import { editDesign, editPipeline, useDesignStore } from './design-store';
import { ConfigFields, Field, ListInput, Text, removeAt, replaceAt } from './fields';
import { TriggersEditor } from './TriggersEditor';
import { StageBehaviour } from './ConditionsEditor';

type PipelineVariable = PipelineVariableDeclaration;

function pipelineRegion(): string {
  return useDesignStore.getState().design.origin?.region ?? 'us-east-1';
}

function PipelineProps({ p }: { p: PipelineDeclaration }) {
  const opaque = useDesignStore((s) => s.design.extras?.opaque);
  const set = (patch: Partial<PipelineDeclaration>) => editPipeline((x) => ({ ...x, ...patch }));
  return (
    <>
      <h3>Pipeline</h3>
      <Field label="Name" path="name" required>
        <Text value={p.name} onChange={(name) => set({ name })} path="name" opaque={opaque} data-testid="prop-pipeline-name" />
      </Field>
      <Field label="Service role ARN" path="roleArn" required>
        <Text value={p.roleArn} onChange={(roleArn) => set({ roleArn })} path="roleArn" opaque={opaque} />
      </Field>
      {p.artifactStore && (
        <Field label="Artifact bucket" path="artifactStore.location" required>
          <Text
            value={p.artifactStore.location}
            onChange={(location) => set({ artifactStore: { ...p.artifactStore!, location } })}
            path="artifactStore.location"
            opaque={opaque}
            data-testid="prop-bucket"
          />
        </Field>
      )}
      {Object.entries(p.artifactStores ?? {}).map(([region, store]) => (
        <Field key={region} label={`Artifact bucket in ${region}`} path={`artifactStores.${region}.location`} required>
          <Text
            value={store.location}
            onChange={(location) => set({ artifactStores: { ...p.artifactStores, [region]: { ...store, location } } })}
            path={`artifactStores.${region}.location`}
            opaque={opaque}
          />
        </Field>
      ))}
      <Field
        label="Pipeline type"
        path="pipelineType"
        help="V2 adds variables, triggers, execution modes and stage conditions, and is priced per action-minute."
      >
        <select value={p.pipelineType ?? 'V1'} onChange={(e) => set({ pipelineType: e.target.value })} data-testid="prop-pipeline-type">
          <option value="V1">V1</option>
          <option value="V2">V2</option>
        </select>
      </Field>
      <Field label="Execution mode" path="executionMode">
        <select value={p.executionMode ?? 'SUPERSEDED'} onChange={(e) => set({ executionMode: e.target.value })}>
          <option>SUPERSEDED</option>
          <option>QUEUED</option>
          <option>PARALLEL</option>
        </select>
      </Field>
      <VariablesEditor variables={p.variables} opaque={opaque} onChange={(variables) => set({ variables })} />
      <TriggersEditor
        triggers={p.triggers}
        sourceActions={(p.stages[0]?.actions ?? []).filter((a) => a.actionTypeId.provider === 'CodeStarSourceConnection').map((a) => a.name)}
        opaque={opaque}
        onChange={(triggers) => set({ triggers })}
      />
    </>
  );
}

/**
 * Pipeline variables, a row each. Edits change one field of one variable, so
 * descriptions, imported template values (read-only) and unknown keys survive.
 */
function VariablesEditor({
  variables = [],
  opaque,
  onChange,
}: {
  variables?: PipelineVariable[];
  opaque?: Record<string, unknown>;
  onChange: (v: PipelineVariable[] | undefined) => void;
}) {
  const update = (i: number, patch: Partial<PipelineVariable>) => onChange(replaceAt(variables, i, dropEmpty({ ...variables[i], ...patch })));
  const remove = (i: number) => onChange(removeAt(variables, i));
  return (
    <fieldset className="variables" data-field="variables" data-testid="prop-variables">
      <legend>Variables</legend>
      {variables.length === 0 && (
        <p className="muted small">
          None. Variables are a V2 feature; actions read them as #{'{'}variables.name{'}'}.
        </p>
      )}
      {variables.map((v, i) => (
        <div key={i} className="variable" data-field={`variables.${i}`} data-testid="variable-row">
          <Text
            value={v.name}
            onChange={(name) => update(i, { name })}
            path={`variables.${i}.name`}
            opaque={opaque}
            placeholder="name"
            aria-label={`Variable ${i + 1} name`}
            data-testid="variable-name"
          />
          <Text
            value={v.defaultValue}
            onChange={(defaultValue) => update(i, { defaultValue })}
            path={`variables.${i}.defaultValue`}
            opaque={opaque}
            placeholder="default"
            aria-label={`Variable ${i + 1} default`}
            data-testid="variable-default"
          />
          <Text
            value={v.description}
            onChange={(description) => update(i, { description })}
            path={`variables.${i}.description`}
            opaque={opaque}
            placeholder="description"
            aria-label={`Variable ${i + 1} description`}
            data-testid="variable-description"
          />
          <button type="button" className="link danger" onClick={() => remove(i)} aria-label={`Remove variable ${i + 1}`} data-testid="variable-remove">
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="link" onClick={() => onChange([...variables, { name: `Var${variables.length + 1}` }])} data-testid="variable-add">
        + Variable
      </button>
    </fieldset>
  );
}

/** An emptied optional field is removed, not kept as "". */
function dropEmpty(v: PipelineVariable): PipelineVariable {
  const out = { ...v };
  if (out.defaultValue === '') delete out.defaultValue;
  if (out.description === '') delete out.description;
  return out;
}

function StageProps({ p, si }: { p: PipelineDeclaration; si: number }) {
  const s = p.stages[si];
  const disabled = useDesignStore((st) => st.design.extras?.disabledTransitions?.find((t) => t.stageName === s.name));
  const opaque = useDesignStore((st) => st.design.extras?.opaque);
  const setDisabled = (on: boolean, reason = 'Disabled in Pipewright') =>
    editDesign((d) => {
      const others = (d.extras?.disabledTransitions ?? []).filter((t) => t.stageName !== s.name);
      return { ...d, extras: { ...d.extras, disabledTransitions: on ? [...others, { stageName: s.name, reason }] : others } };
    });
  return (
    <>
      <h3>Stage {si + 1}</h3>
      <ConditionalBranches element={s} />
      <Field label="Name" path={`stages.${si}.name`} required>
        <input type="text" value={s.name} onChange={(e) => editPipeline((x) => renameStage(x, si, e.target.value))} data-testid="prop-stage-name" />
      </Field>
      {si > 0 && (
        <label className="row">
          <input type="checkbox" checked={!!disabled} onChange={(e) => setDisabled(e.target.checked)} data-testid="prop-transition" /> Disable the transition
          into this stage
        </label>
      )}
      {disabled && (
        <Field label="Reason" path={`transition.${s.name}`}>
          <input type="text" value={disabled.reason} onChange={(e) => setDisabled(true, e.target.value)} />
        </Field>
      )}
      <StageBehaviour stage={s} si={si} opaque={opaque} onChange={(patch) => editPipeline((x) => updateStage(x, si, patch))} />
      <div className="row">
        <button type="button" className="link" disabled={si === 0} onClick={() => editPipeline((x) => moveStage(x, si, si - 1), { kind: 'stage', si: si - 1 })}>
          ← Move left
        </button>
        <button
          type="button"
          className="link"
          disabled={si === p.stages.length - 1}
          onClick={() => editPipeline((x) => moveStage(x, si, si + 1), { kind: 'stage', si: si + 1 })}
        >
          Move right →
        </button>
        <span className="spacer" />
        <button type="button" className="link danger" onClick={() => editPipeline((x) => removeStage(x, si), null)} data-testid="delete-stage">
          Delete stage
        </button>
      </div>
    </>
  );
}

function ActionProps({ p, si, ai }: { p: PipelineDeclaration; si: number; ai: number }) {
  const a = p.stages[si].actions[ai];
  const opaque = useDesignStore((s) => s.design.extras?.opaque);
  const spec = findProvider(a.actionTypeId);
  const set = (patch: Partial<ActionDeclaration>) => editPipeline((x) => updateAction(x, si, ai, patch));
  const setConfig = (key: string, value: string | undefined) => set({ configuration: withConfigValue(a.configuration, key, value) });
  const upstream = upstreamArtifacts(p, si, effectiveRunOrder(a));
  const inputs = new Set((a.inputArtifacts ?? []).map((i) => i.name));
  const home = pipelineRegion();
  const setRegion = (region: string) => {
    if (!region || region === home) return set({ region: undefined });
    editPipeline((x) => {
      const next = updateAction(x, si, ai, { region });
      // Cross-region actions need artifactStores: one store per region, the pipeline's included.
      if (!next.artifactStores) {
        next.artifactStores = { [home]: next.artifactStore ?? { type: 'S3', location: '' } };
        delete next.artifactStore;
      }
      if (!next.artifactStores[region]) next.artifactStores[region] = { type: 'S3', location: '' };
      return next;
    });
  };
  const extraKeys = Object.keys(a.configuration ?? {}).filter((k) => !spec?.config.some((f) => f.name === k));
  return (
    <>
      <h3>
        {spec?.label ?? a.actionTypeId.provider}{' '}
        <span className="muted small">
          {a.actionTypeId.category} · {a.actionTypeId.owner} · v{a.actionTypeId.version}
        </span>
      </h3>
      <ConditionalBranches element={a} />
      <Field label="Name" path={`stages.${si}.actions.${ai}.name`} required>
        <Text value={a.name} onChange={(name) => set({ name })} path={`stages.${si}.actions.${ai}.name`} opaque={opaque} data-testid="prop-action-name" />
      </Field>
      <Field label="Run order" path={`stages.${si}.actions.${ai}.runOrder`} help="Equal numbers run in parallel.">
        <input
          type="number"
          min={1}
          max={999}
          value={a.runOrder ?? 1}
          onChange={(e) => set({ runOrder: Number(e.target.value) || 1 })}
          data-testid="prop-run-order"
        />
      </Field>
      {spec && (
        <ConfigFields
          fields={spec.config}
          config={a.configuration}
          path={`stages.${si}.actions.${ai}`}
          opaque={opaque}
          testIdPrefix="config-"
          onChange={setConfig}
        />
      )}
      {extraKeys.map((k) => (
        <Field key={k} label={`${k} (not in the catalog)`} path={`stages.${si}.actions.${ai}.configuration.${k}`}>
          <Text value={a.configuration?.[k]} onChange={(x) => setConfig(k, x)} path={k} opaque={opaque} />
        </Field>
      ))}
      {spec && spec.inputs.max > 0 && (
        <fieldset data-field={`stages.${si}.actions.${ai}.inputArtifacts`}>
          <legend>Input artifacts ({spec.inputs.min === spec.inputs.max ? spec.inputs.min : `${spec.inputs.min}–${spec.inputs.max}`})</legend>
          {upstream.length === 0 && <p className="muted small">No artifact is produced upstream of this action.</p>}
          {upstream.map((name) => (
            <label key={name} className="row">
              <input
                type="checkbox"
                checked={inputs.has(name)}
                data-testid={`input-${name}`}
                onChange={(e) => {
                  const next = e.target.checked ? [...(a.inputArtifacts ?? []), { name }] : (a.inputArtifacts ?? []).filter((i) => i.name !== name);
                  set({ inputArtifacts: next.length ? next : undefined });
                }}
              />
              {name}
            </label>
          ))}
        </fieldset>
      )}
      {spec && spec.outputs.max > 0 && (
        <Field label="Output artifacts (comma-separated)" path={`stages.${si}.actions.${ai}.outputArtifacts`}>
          <ListInput
            items={(a.outputArtifacts ?? []).map((o) => o.name)}
            onChange={(names) => {
              // An output that keeps its name keeps its other fields (files, unknown keys).
              const byName = new Map((a.outputArtifacts ?? []).map((o) => [o.name, o]));
              set({ outputArtifacts: names.length ? names.map((name) => byName.get(name) ?? { name }) : undefined });
            }}
            data-testid="prop-outputs"
          />
        </Field>
      )}
      {spec?.crossRegion && (
        <Field
          label="Region"
          path={`stages.${si}.actions.${ai}.region`}
          help={`Blank: the pipeline's region (${home}). Another region needs an artifact bucket there.`}
        >
          <select value={a.region ?? ''} onChange={(e) => setRegion(e.target.value)} data-testid="prop-region">
            <option value="">{home} (pipeline)</option>
            {CODEPIPELINE_REGIONS.filter((r) => r.code !== home).map((r) => (
              <option key={r.code} value={r.code}>
                {r.code}
              </option>
            ))}
          </select>
        </Field>
      )}
      {a.region && p.artifactStores?.[a.region] && (
        <Field label={`Artifact bucket in ${a.region}`} path={`artifactStores.${a.region}.location`} required>
          <Text
            value={p.artifactStores[a.region].location}
            onChange={(location) =>
              editPipeline((x) => ({ ...x, artifactStores: { ...x.artifactStores, [a.region!]: { ...x.artifactStores![a.region!], location } } }))
            }
            path={`artifactStores.${a.region}.location`}
            opaque={opaque}
            data-testid="prop-region-bucket"
          />
        </Field>
      )}
      {a.actionTypeId.provider === 'Commands' && (
        <>
          <Field
            label="Commands (one per line)"
            path={`stages.${si}.actions.${ai}.commands`}
            required
            help="Up to 50 shell commands, each on one line; they run in CodeBuild compute with the input artifacts."
          >
            <ListInput
              perLine
              items={a.commands ?? []}
              opaque={opaque}
              onChange={(commands) => set({ commands: commands.length ? commands : undefined })}
              data-testid="prop-commands"
            />
          </Field>
          <Field
            label="Output variables (one per line)"
            path={`stages.${si}.actions.${ai}.outputVariables`}
            help="Environment variables to export, read downstream as #{namespace.NAME}."
          >
            <ListInput
              perLine
              items={a.outputVariables ?? []}
              opaque={opaque}
              onChange={(outputVariables) => set({ outputVariables: outputVariables.length ? outputVariables : undefined })}
              data-testid="prop-output-variables"
            />
          </Field>
        </>
      )}
      <Field
        label="Role ARN (optional)"
        path={`stages.${si}.actions.${ai}.roleArn`}
        help="A role this action assumes instead of the pipeline's, e.g. a deploy role in another account."
      >
        <Text value={a.roleArn} onChange={(v) => set({ roleArn: v || undefined })} path="roleArn" opaque={opaque} data-testid="prop-action-role" />
      </Field>
      <Field label="Variable namespace" path={`stages.${si}.actions.${ai}.namespace`}>
        <Text value={a.namespace} onChange={(v) => set({ namespace: v || undefined })} path="namespace" opaque={opaque} />
      </Field>
      {a.actionTypeId.category === 'Approval' && (
        <Field label="Timeout (minutes, 5 to 86,400)" path={`stages.${si}.actions.${ai}.timeoutInMinutes`}>
          <input
            type="number"
            min={5}
            max={86400}
            value={a.timeoutInMinutes ?? ''}
            onChange={(e) => set({ timeoutInMinutes: e.target.value ? Number(e.target.value) : undefined })}
          />
        </Field>
      )}
      <div className="row">
        <span className="spacer" />
        <button type="button" className="link danger" onClick={() => editPipeline((x) => removeAction(x, si, ai), null)} data-testid="delete-action">
          Delete action
        </button>
      </div>
    </>
  );
}

/**
 * A conditional element (Fn::If in its template): the branch shown is edited
 * below; the other one is shown as the template has it, and exported unchanged.
 */
function ConditionalBranches({ element }: { element: object }) {
  const opaque = useDesignStore((st) => st.design.extras?.opaque);
  const info = conditionalInfo(element, opaque);
  if (!info) return null;
  const shownWhen = info.branch === 'then' ? 'true' : 'false';
  const otherWhen = info.branch === 'then' ? 'false' : 'true';
  return (
    <div className="conditional-branches" data-testid="conditional-branches">
      <p>
        <span className="condition-badge">if {info.condition}</span> Conditional (<code>Fn::If</code>): this is the branch used when{' '}
        <strong>{info.condition}</strong> is {shownWhen}; it is edited below.
      </p>
      <details open={info.other !== null}>
        <summary>
          When {info.condition} is {otherWhen}
        </summary>
        {info.other === null ? (
          <p className="muted small" data-testid="conditional-other">
            Nothing: the element is left out (<code>!Ref AWS::NoValue</code>).
          </p>
        ) : (
          <pre className="small" data-testid="conditional-other">
            {stringifyYaml(info.other)}
          </pre>
        )}
      </details>
    </div>
  );
}

export function PropertyPanel() {
  const p = useDesignStore((s) => s.design.pipeline);
  const sel = useDesignStore((s) => s.selection);
  const focus = useDesignStore((s) => s.focusField);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!focus || !ref.current) return;
    // The deepest field whose path the path starts with.
    const fields = [...ref.current.querySelectorAll<HTMLElement>('[data-field]')].filter((el) => focus.startsWith(el.dataset.field!));
    const best = fields.sort((a, b) => b.dataset.field!.length - a.dataset.field!.length)[0];
    best?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    best?.scrollIntoView({ block: 'nearest' });
  }, [focus, sel]);
  const valid = sel?.kind === 'action' ? !!p.stages[sel.si]?.actions[sel.ai] : sel?.kind === 'stage' ? !!p.stages[sel.si] : true;
  return (
    <div className="props" ref={ref} data-testid="property-panel">
      {!valid || !sel || sel.kind === 'pipeline' ? (
        <PipelineProps p={p} />
      ) : sel.kind === 'stage' ? (
        <StageProps p={p} si={sel.si} />
      ) : (
        <ActionProps p={p} si={sel.si} ai={sel.ai} />
      )}
    </div>
  );
}
