// Providers grouped by category, searchable. Click one (or press Enter) to add
// it to the selected stage (the last stage when none is selected), or drag it
// into a stage at the row you want.
import { useState } from 'react';
import { ACTION_CATEGORIES } from '../../../../shared/pipeline/model';
import { PROVIDERS } from '../../../../shared/pipeline/providers';
import { addAction } from '../../../../shared/pipeline/edit';
import { pushToast } from '../../store/actions';
import { editPipeline, revealSelection, select, useDesignStore } from './design-store';
import { PROVIDER_MIME } from './DesignerCanvas';

export function Palette() {
  const [q, setQ] = useState('');
  const add = (index: number) => {
    const { selection: sel, design } = useDesignStore.getState();
    const si = sel && sel.kind !== 'pipeline' ? sel.si : design.pipeline.stages.length - 1;
    if (si < 0) return pushToast('info', 'Add a stage first (+ Stage), then click a provider to add it there.');
    let ai = 0;
    editPipeline((p) => {
      const r = addAction(p, si, PROVIDERS[index]);
      ai = r.index;
      return r.pipeline;
    });
    select({ kind: 'action', si, ai });
    revealSelection();
    pushToast('info', `Added ${PROVIDERS[index].label} to ${design.pipeline.stages[si]?.name ?? 'the stage'}.`);
  };
  const shown = PROVIDERS.map((p, i) => ({ p, i })).filter(({ p }) => !q || `${p.category} ${p.provider} ${p.label}`.toLowerCase().includes(q.toLowerCase()));
  return (
    <aside className="palette" aria-label="Action providers" data-testid="palette">
      <input
        type="search"
        placeholder="Find a provider…"
        aria-label="Find a provider"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="palette-search"
      />
      <p className="muted small palette-hint" data-testid="palette-hint">
        Click to add to the selected stage, or drag into a stage.
      </p>
      {ACTION_CATEGORIES.map((cat) => {
        const items = shown.filter(({ p }) => p.category === cat);
        if (!items.length) return null;
        return (
          <div key={cat} className="palette-group">
            <h3>{cat}</h3>
            {items.map(({ p, i }) => (
              <div
                key={i}
                className={`palette-item cat-${p.category}`}
                draggable
                tabIndex={0}
                role="button"
                data-testid="palette-item"
                data-provider={`${p.category}/${p.provider}`}
                title={`${p.label} (${p.owner}, v${p.version})${p.v2Only ? ' · V2 only' : ''}. Click or Enter: add to the selected stage; or drag into a stage.`}
                onDragStart={(e) => {
                  e.dataTransfer.setData(PROVIDER_MIME, String(i));
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => add(i)}
                onKeyDown={(e) => e.key === 'Enter' && add(i)}
              >
                {p.label}
              </div>
            ))}
          </div>
        );
      })}
    </aside>
  );
}
