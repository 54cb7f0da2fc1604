// Providers grouped by category, searchable. Drag one into a stage, or press
// Enter / click "Add" to add it to the selected stage.
import { useState } from 'react';
import { ACTION_CATEGORIES } from '../../../../shared/pipeline/model';
import { PROVIDERS } from '../../../../shared/pipeline/providers';
import { addAction } from '../../../../shared/pipeline/edit';
import { pushToast } from '../../store/actions';
import { editPipeline, select, useDesignStore } from './design-store';
import { PROVIDER_MIME } from './DesignerCanvas';

export function Palette() {
  const [q, setQ] = useState('');
  const add = (index: number) => {
    const sel = useDesignStore.getState().selection;
    if (!sel || sel.kind === 'pipeline') return pushToast('info', 'Select a stage first, or drag the provider into one.');
    let ai = 0;
    editPipeline((p) => {
      const r = addAction(p, sel.si, PROVIDERS[index]);
      ai = r.index;
      return r.pipeline;
    });
    select({ kind: 'action', si: sel.si, ai });
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
                title={`${p.label} (${p.owner}, v${p.version})${p.v2Only ? ' · V2 only' : ''}. Drag into a stage, or Enter to add to the selected stage.`}
                onDragStart={(e) => {
                  e.dataTransfer.setData(PROVIDER_MIME, String(i));
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onDoubleClick={() => add(i)}
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
