// Validation errors and warnings, live. Clicking one selects the stage or
// action and focuses the field it is about.
import type { IssuePath, ValidationIssue } from '../../../../shared/pipeline/validate';
import { convertToArtifactStores } from '../../../../shared/pipeline/edit';
import { editPipeline, select } from './design-store';

export function selectionFor(path: IssuePath) {
  if (path[0] === 'stages' && typeof path[1] === 'number') {
    if (path[2] === 'actions' && typeof path[3] === 'number') return { kind: 'action' as const, si: path[1], ai: path[3] };
    return { kind: 'stage' as const, si: path[1] };
  }
  return { kind: 'pipeline' as const };
}

/** Fixes the panel can apply in one click, by issue code. */
const FIXES: Record<string, { label: string; apply: (region: string) => void }> = {
  CROSS_REGION_NEEDS_STORES: {
    label: 'Convert to artifactStores',
    apply: (region) => editPipeline((p) => convertToArtifactStores(p, region), { kind: 'pipeline' }),
  },
};

export function IssuesPanel({ issues, region }: { issues: ValidationIssue[]; region: string }) {
  const errors = issues.filter((i) => i.severity === 'error').length;
  return (
    <section className="issues" aria-label="Problems" data-testid="issues-panel">
      <h3>
        Problems{' '}
        <span className="muted small" data-testid="issue-counts">
          {errors} errors, {issues.length - errors} warnings
        </span>
      </h3>
      {issues.length === 0 ? (
        <p className="muted small">The service would accept this pipeline.</p>
      ) : (
        <ul>
          {issues.map((i, k) => (
            <li key={k}>
              <button
                type="button"
                className={`issue issue-${i.severity}`}
                data-testid="issue"
                data-code={i.code}
                onClick={() => select(selectionFor(i.path), i.path.join('.'))}
              >
                <span className="issue-icon" aria-hidden>
                  {i.severity === 'error' ? '✖' : '⚠'}
                </span>{' '}
                {i.message}
              </button>
              {FIXES[i.code] && (
                <button type="button" className="button secondary small" onClick={() => FIXES[i.code].apply(region)} data-testid={`fix-${i.code}`}>
                  {FIXES[i.code].label}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
