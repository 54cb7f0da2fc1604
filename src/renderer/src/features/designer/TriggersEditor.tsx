// V2 git triggers: which source action starts the pipeline, on pushes and on
// pull requests, filtered by branches, tags and file paths (include and exclude
// globs, one per line). Edits replace one field, so unknown keys survive.
import type { ReactNode } from 'react';
import type { PipelineDeclaration } from '../../../../shared/pipeline/model';
import { ListInput, removeAt, replaceAt, type Opaque } from './fields';

type Trigger = NonNullable<PipelineDeclaration['triggers']>[number];
type Git = Trigger['gitConfiguration'];
type PushFilter = NonNullable<Git['push']>[number];
type PullRequestFilter = NonNullable<Git['pullRequest']>[number];
type GitFilter = { includes?: string[]; excludes?: string[] };
type FilterKey = 'branches' | 'tags' | 'filePaths';

const PR_EVENTS = ['OPEN', 'UPDATED', 'CLOSED'] as const;
const FILTER_LABELS: Record<FilterKey, string> = { branches: 'Branches', tags: 'Tags', filePaths: 'File paths' };

/** A filter with one list changed; an emptied list, or an emptied filter, is dropped. */
function withGlobs<F extends Record<string, unknown>>(filter: F, key: FilterKey, side: keyof GitFilter, globs: string[]): F {
  const g: GitFilter = { ...((filter[key] as GitFilter | undefined) ?? {}), [side]: globs };
  if (!globs.length) delete g[side];
  const next: Record<string, unknown> = { ...filter, [key]: g };
  if (!g.includes && !g.excludes) delete next[key];
  return next as F;
}

function GlobFields<F extends Record<string, unknown>>({
  filter,
  keys,
  path,
  opaque,
  onChange,
}: {
  filter: F;
  keys: FilterKey[];
  path: string;
  opaque: Opaque;
  onChange: (f: F) => void;
}) {
  return (
    <div className="glob-grid">
      {keys.map((key) =>
        (['includes', 'excludes'] as const).map((side) => (
          <label key={`${key}-${side}`} className="prop" data-field={`${path}.${key}.${side}`}>
            <span>
              {FILTER_LABELS[key]}: {side === 'includes' ? 'include' : 'exclude'}
            </span>
            <ListInput
              perLine
              items={(filter[key] as GitFilter | undefined)?.[side] ?? []}
              opaque={opaque}
              onChange={(globs) => onChange(withGlobs(filter, key, side, globs))}
              placeholder={side === 'includes' ? (key === 'branches' ? 'main' : key === 'tags' ? 'v*' : 'src/**') : ''}
              data-testid={`trigger-${key}-${side}`}
            />
          </label>
        )),
      )}
    </div>
  );
}

function FilterList<F extends Record<string, unknown>>({
  title,
  filters,
  keys,
  path,
  opaque,
  fresh,
  onChange,
  children,
}: {
  title: string;
  filters: F[];
  keys: FilterKey[];
  path: string;
  opaque: Opaque;
  fresh: F;
  onChange: (f: F[] | undefined) => void;
  children?: (f: F, set: (f: F) => void) => ReactNode;
}) {
  return (
    <div className="trigger-filters" data-testid={`trigger-${path.split('.').pop()}`}>
      <strong className="small">{title}</strong>
      {filters.map((f, i) => {
        const set = (next: F) => onChange(replaceAt(filters, i, next));
        return (
          <div key={i} className="trigger-filter" data-field={`${path}.${i}`}>
            {children?.(f, set)}
            <GlobFields filter={f} keys={keys} path={`${path}.${i}`} opaque={opaque} onChange={set} />
            <button type="button" className="link danger" onClick={() => onChange(removeAt(filters, i))}>
              Remove this filter
            </button>
          </div>
        );
      })}
      <button type="button" className="link" onClick={() => onChange([...filters, fresh])} data-testid={`trigger-add-${path.split('.').pop()}`}>
        + {title.toLowerCase()} filter
      </button>
    </div>
  );
}

export function TriggersEditor({
  triggers = [],
  sourceActions,
  opaque,
  onChange,
}: {
  triggers?: Trigger[];
  sourceActions: string[];
  opaque: Opaque;
  onChange: (t: Trigger[] | undefined) => void;
}) {
  const setGit = (i: number, patch: Partial<Git>) => {
    const git: Record<string, unknown> = { ...triggers[i].gitConfiguration, ...patch };
    for (const k of ['push', 'pullRequest']) if (git[k] === undefined) delete git[k];
    onChange(replaceAt(triggers, i, { ...triggers[i], gitConfiguration: git as Git }));
  };
  return (
    <fieldset className="triggers" data-field="triggers" data-testid="prop-triggers">
      <legend>Triggers</legend>
      {triggers.length === 0 && (
        <p className="muted small">
          {sourceActions.length
            ? 'None: every change the source action sees starts the pipeline.'
            : 'A trigger needs a CodeStarSourceConnection source action (GitHub, GitLab, Bitbucket) in the first stage.'}
        </p>
      )}
      {triggers.map((t, i) => {
        const git = t.gitConfiguration;
        const choices = [...new Set([...sourceActions, git.sourceActionName])];
        return (
          <div key={i} className="trigger" data-field={`triggers.${i}`} data-testid="trigger-row">
            <label className="prop" data-field={`triggers.${i}.gitConfiguration.sourceActionName`}>
              <span>Source action</span>
              <select value={git.sourceActionName} onChange={(e) => setGit(i, { sourceActionName: e.target.value })} data-testid="trigger-source">
                {choices.map((a) => (
                  <option key={a}>{a}</option>
                ))}
              </select>
            </label>
            <FilterList<PushFilter>
              title="Push"
              filters={git.push ?? []}
              keys={['branches', 'tags', 'filePaths']}
              path={`triggers.${i}.gitConfiguration.push`}
              opaque={opaque}
              fresh={{ branches: { includes: ['main'] } }}
              onChange={(push) => setGit(i, { push })}
            />
            <FilterList<PullRequestFilter>
              title="Pull request"
              filters={git.pullRequest ?? []}
              keys={['branches', 'filePaths']}
              path={`triggers.${i}.gitConfiguration.pullRequest`}
              opaque={opaque}
              fresh={{ events: ['OPEN', 'UPDATED'], branches: { includes: ['main'] } }}
              onChange={(pullRequest) => setGit(i, { pullRequest })}
            >
              {(f, set) => (
                <div className="row small" data-testid="trigger-pr-events">
                  {PR_EVENTS.map((ev) => (
                    <label key={ev}>
                      <input
                        type="checkbox"
                        checked={(f.events ?? []).includes(ev)}
                        onChange={(e) => {
                          const events = e.target.checked ? [...(f.events ?? []), ev] : (f.events ?? []).filter((x) => x !== ev);
                          const { events: _old, ...rest } = f;
                          set(events.length ? { ...rest, events } : rest);
                        }}
                      />{' '}
                      {ev.toLowerCase()}
                    </label>
                  ))}
                </div>
              )}
            </FilterList>
            <button type="button" className="link danger" onClick={() => onChange(removeAt(triggers, i))} data-testid="trigger-remove">
              Remove trigger
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="link"
        disabled={!sourceActions.length}
        onClick={() =>
          onChange([
            ...triggers,
            {
              providerType: 'CodeStarSourceConnection',
              gitConfiguration: { sourceActionName: sourceActions[0], push: [{ branches: { includes: ['main'] } }] },
            },
          ])
        }
        data-testid="trigger-add"
      >
        + Trigger
      </button>
    </fieldset>
  );
}
