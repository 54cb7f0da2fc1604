// The designer: palette, canvas, properties and problems, with a toolbar for
// files, export, undo/redo and deploy, and the usual shortcuts.
import { useEffect, useMemo, useRef, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import type { ValidationIssue } from '../../../../shared/pipeline/validate';
import { validateDesign } from '../../../../shared/pipeline/conditional';
import { addStage } from '../../../../shared/pipeline/edit';
import type { ExportFormat } from '../../../../shared/pipeline/export';
import { editPipeline, redo, requestFit, revealSelection, togglePanel, undo, useDesignStore } from './design-store';
import { useStore } from 'zustand';
import { DesignerCanvas } from './DesignerCanvas';
import { Palette } from './Palette';
import { PropertyPanel } from './PropertyPanel';
import { IssuesPanel } from './IssuesPanel';
import { DeployDialog } from './DeployDialog';
import { OpenDialog } from './OpenDialog';
import {
  copySelection,
  deleteSelection,
  downloadExport,
  duplicateSelection,
  exportText,
  newDesign,
  openTemplateResource,
  openText,
  openLivePipeline,
  openWithDialog,
  paste,
  saveDesign,
} from './designer-actions';
import { loadAccounts, useAccountsStore } from '../accounts';
import { takeDesignerRequest } from '../../store/actions';
import { useAppStore } from '../../store/store';

function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** The side panels that collapse to give the canvas room: which, its button's label, and what it holds. */
const PANEL_TOGGLES = [
  ['palette', 'Palette', 'the palette'],
  ['side', 'Panel', 'properties and problems'],
] as const;

function Toolbar({ onDeploy, onPreview, errors }: { onDeploy: () => void; onPreview: (f: ExportFormat) => void; errors: number }) {
  const fileRef = useRef<HTMLInputElement>(null);
  const [opening, setOpening] = useState(false);
  const dirty = useDesignStore((s) => s.dirty);
  const fileName = useDesignStore((s) => s.fileName);
  const panels = useDesignStore((s) => s.panels);
  // Subscribed, so the buttons follow the history (a fresh design has nothing to undo or redo).
  const canUndo = useStore(useDesignStore.temporal, (s) => s.pastStates.length > 0);
  const canRedo = useStore(useDesignStore.temporal, (s) => s.futureStates.length > 0);
  return (
    <div className="toolbar designer-toolbar">
      <button type="button" className="button secondary" onClick={newDesign} data-testid="designer-new">
        New
      </button>
      <button type="button" className="button secondary" onClick={() => setOpening(true)} data-testid="designer-open">
        Open…
      </button>
      {opening && <OpenDialog onFile={() => void openWithDialog().then((done) => done || fileRef.current?.click())} onClose={() => setOpening(false)} />}
      <input
        ref={fileRef}
        type="file"
        hidden
        accept=".json,.yaml,.yml,.template"
        data-testid="designer-file"
        onChange={(e) => {
          const input = e.target;
          const f = input.files?.[0];
          input.value = ''; // the same file can be chosen again
          if (f) void f.text().then((text) => openText(text, f.name));
        }}
      />
      <button type="button" className="button secondary" onClick={() => void saveDesign()} data-testid="designer-save">
        Save
      </button>
      <button type="button" className="button secondary" onClick={() => void saveDesign(true)} data-testid="designer-save-as">
        Save as…
      </button>
      <span className="muted small" data-testid="designer-file-name">
        {fileName}
        {dirty ? ' •' : ''}
      </span>
      <span className="sep" />
      <button type="button" className="button secondary" onClick={undo} title="Undo (Ctrl+Z)" data-testid="designer-undo" disabled={!canUndo}>
        ↶
      </button>
      <button type="button" className="button secondary" onClick={redo} title="Redo (Ctrl+Shift+Z)" data-testid="designer-redo" disabled={!canRedo}>
        ↷
      </button>
      <button type="button" className="button secondary" onClick={requestFit} title="Fit at a readable zoom (F)" data-testid="designer-fit">
        Fit
      </button>
      <button
        type="button"
        className="button secondary"
        onClick={() => {
          editPipeline((p) => addStage(p), { kind: 'stage', si: useDesignStore.getState().design.pipeline.stages.length });
          revealSelection();
        }}
        data-testid="add-stage"
      >
        + Stage
      </button>
      {PANEL_TOGGLES.map(([panel, label, what]) => (
        <button
          key={panel}
          type="button"
          className="button secondary"
          aria-pressed={!panels[panel]}
          onClick={() => togglePanel(panel)}
          title={`${panels[panel] ? 'Hide' : 'Show'} ${what}`}
          data-testid={`toggle-${panel}`}
        >
          {panels[panel] ? '▣' : '▭'} {label}
        </button>
      ))}
      <span className="spacer" />
      <select aria-label="Export" data-testid="designer-export" value="" onChange={(e) => e.target.value && onPreview(e.target.value as ExportFormat)}>
        <option value="">Export…</option>
        <option value="cfn-yaml">CloudFormation YAML</option>
        <option value="cfn-json">CloudFormation JSON</option>
        <option value="cli-json">CLI JSON</option>
      </select>
      <button
        type="button"
        className="button"
        onClick={onDeploy}
        disabled={errors > 0}
        title={
          errors
            ? `Fix the ${errors} error${errors === 1 ? '' : 's'} under Problems first: the service would refuse this pipeline.`
            : 'Compare with live, then deploy'
        }
        data-testid="designer-deploy"
      >
        Deploy…
      </button>
      {errors > 0 && (
        <span className="muted small" data-testid="deploy-blocked">
          {errors} error{errors === 1 ? '' : 's'} to fix before deploying
        </span>
      )}
    </div>
  );
}

const FORMAT_LABEL: Record<ExportFormat, string> = { 'cfn-yaml': 'CloudFormation YAML', 'cfn-json': 'CloudFormation JSON', 'cli-json': 'CLI JSON' };

function ExportPreview({ format, onClose, issues }: { format: ExportFormat; onClose: () => void; issues: ValidationIssue[] }) {
  const [opts, setOpts] = useState({ parameterize: false, addArtifactBucket: false, addServiceRole: false });
  const errors = issues.filter((i) => i.severity === 'error');
  let text = '';
  let error = '';
  try {
    text = exportText(format, opts);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  return (
    <div className="modal-backdrop">
      <div className="modal export" role="dialog" aria-modal="true" aria-labelledby="export-h" data-testid="export-dialog">
        <h2 id="export-h">Export as {FORMAT_LABEL[format]}</h2>
        {errors.length > 0 && (
          <div className="banner banner-warning" role="alert" data-testid="export-errors">
            The service would refuse this pipeline as it is ({errors.length} error{errors.length === 1 ? '' : 's'}):
            <ul>
              {errors.slice(0, 5).map((i, k) => (
                <li key={k}>{i.message}</li>
              ))}
              {errors.length > 5 && <li>…and {errors.length - 5} more under Problems.</li>}
            </ul>
          </div>
        )}
        {format !== 'cli-json' && (
          <div className="export-options">
            {(['parameterize', 'addArtifactBucket', 'addServiceRole'] as const).map((k) => (
              <label key={k} className="check">
                <input type="checkbox" checked={opts[k]} onChange={(e) => setOpts({ ...opts, [k]: e.target.checked })} />
                <span>
                  {k === 'parameterize' ? 'Parameters for role, buckets, connections' : k === 'addArtifactBucket' ? 'Add artifact bucket' : 'Add service role'}
                </span>
              </label>
            ))}
          </div>
        )}
        {error ? (
          <p className="banner banner-warning">{error}</p>
        ) : (
          <pre className="export-text" data-testid="export-text">
            {text}
          </pre>
        )}
        <div className="row">
          <button type="button" className="button" onClick={() => downloadExport(format, opts)} data-testid="export-download">
            {errors.length ? 'Download anyway' : 'Download'}
          </button>
          <button type="button" className="link" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}

function ResourceChooser() {
  const pending = useDesignStore((s) => s.pendingTemplate);
  if (!pending) return null;
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="choose-h" data-testid="resource-chooser">
        <h2 id="choose-h">Which pipeline?</h2>
        <p className="muted">
          {pending.fileName} has {pending.resources.length} AWS::CodePipeline::Pipeline resources.
        </p>
        <ul>
          {pending.resources.map((id) => (
            <li key={id}>
              <button type="button" className="link" onClick={() => void openTemplateResource(id)} data-testid="choose-resource">
                {id}
              </button>
            </li>
          ))}
        </ul>
        <button type="button" className="link" onClick={() => void openTemplateResource(null)}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** The region a design not tied to a live pipeline is checked for (it is deployed there unless another is chosen). */
const DEFAULT_DESIGN_REGION = 'us-east-1';

function DesignerInner() {
  const pipeline = useDesignStore((s) => s.design.pipeline);
  const region = useDesignStore((s) => s.design.origin?.region);
  const opaque = useDesignStore((s) => s.design.extras?.opaque);
  // Conditional elements (Fn::If) are checked both ways.
  const issues = useMemo(() => validateDesign({ pipeline, extras: { opaque } }, { region: region ?? DEFAULT_DESIGN_REGION }), [pipeline, opaque, region]);
  const [deploying, setDeploying] = useState(false);
  const [preview, setPreview] = useState<ExportFormat | null>(null);
  const panels = useDesignStore((s) => s.panels);
  const errors = issues.filter((i) => i.severity === 'error').length;
  const accountsLoaded = useAccountsStore((s) => s.accounts !== null);

  useEffect(() => {
    if (!accountsLoaded) void loadAccounts();
  }, [accountsLoaded]);

  // "Open in the designer" from another section (the explorer's details panel).
  const request = useAppStore((s) => s.designerRequest);
  useEffect(() => {
    const ref = request && takeDesignerRequest();
    if (ref) void openLivePipeline(ref.profile, ref.region, ref.name);
  }, [request]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typingIn(e.target) || deploying || preview) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        return e.shiftKey ? redo() : undo();
      }
      if (mod && e.key.toLowerCase() === 'y') return (e.preventDefault(), redo());
      if (mod && e.key.toLowerCase() === 'd') return (e.preventDefault(), duplicateSelection());
      if (mod && e.key.toLowerCase() === 'c') return copySelection();
      if (mod && e.key.toLowerCase() === 'v') return paste();
      if (mod && e.key.toLowerCase() === 's') return (e.preventDefault(), void saveDesign(e.shiftKey));
      if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) return (e.preventDefault(), deleteSelection());
      if (!mod && e.key.toLowerCase() === 'f' && !e.altKey) return requestFit();
    };
    // Unsaved changes are not lost to a reload or a closed tab by accident.
    const onUnload = (e: BeforeUnloadEvent) => {
      if (useDesignStore.getState().dirty) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('beforeunload', onUnload);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('beforeunload', onUnload);
    };
  }, [deploying, preview]);

  return (
    <div className="designer" data-testid="designer">
      <Toolbar onDeploy={() => setDeploying(true)} onPreview={setPreview} errors={errors} />
      <div className={`designer-body${panels.palette ? '' : ' no-palette'}${panels.side ? '' : ' no-side'}`}>
        {panels.palette && <Palette />}
        <DesignerCanvas issues={issues} />
        {panels.side && (
          <div className="side">
            <PropertyPanel />
            <IssuesPanel issues={issues} region={region ?? DEFAULT_DESIGN_REGION} />
          </div>
        )}
      </div>
      {deploying && <DeployDialog onClose={() => setDeploying(false)} />}
      {preview && <ExportPreview format={preview} onClose={() => setPreview(null)} issues={issues} />}
      <ResourceChooser />
    </div>
  );
}

export function DesignerPage() {
  return (
    <ReactFlowProvider>
      <DesignerInner />
    </ReactFlowProvider>
  );
}
