// @vitest-environment jsdom
// The property panel edits one field at a time: what it does not show
// (descriptions, imported template values, unknown keys, output files) survives.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { emptyPipeline } from '../../../../shared/pipeline/edit';
import { newDesign } from '../../../../shared/pipeline/design-file';
import type { PipelineDeclaration } from '../../../../shared/pipeline/model';
import { loadDesign, select, useDesignStore } from './design-store';
import { PropertyPanel } from './PropertyPanel';

const TOKEN = '\u27E6cfn:0\u27E7';

function open(patch: Partial<PipelineDeclaration>): void {
  const pipeline = { ...emptyPipeline(), ...patch };
  loadDesign(newDesign(pipeline, { opaque: { [TOKEN]: { Ref: 'Env' } } }), 'test.pipewright.json');
}

const pipeline = () => useDesignStore.getState().design.pipeline;

beforeEach(() => {
  open({
    variables: [
      { name: 'DeployEnv', defaultValue: TOKEN, description: 'Target' },
      { name: 'Region', defaultValue: 'us-east-1', description: 'Where', owner: 'platform' } as never,
    ],
  });
});
afterEach(cleanup);

describe('variables', () => {
  it('shows an imported template value read-only, never its token', () => {
    render(<PropertyPanel />);
    const rows = screen.getAllByTestId('variable-row');
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('!Ref Env');
    expect(screen.getByTestId('property-panel').textContent).not.toContain('\u27E6');
    expect(within(rows[0]).getByTestId('variable-description')).toHaveProperty('value', 'Target');
  });

  it('an edit changes one field and keeps descriptions, tokens and unknown keys', () => {
    render(<PropertyPanel />);
    const region = screen.getAllByTestId('variable-row')[1];
    fireEvent.change(within(region).getByTestId('variable-default'), { target: { value: 'eu-west-1' } });
    expect(pipeline().variables).toEqual([
      { name: 'DeployEnv', defaultValue: TOKEN, description: 'Target' },
      { name: 'Region', defaultValue: 'eu-west-1', description: 'Where', owner: 'platform' },
    ]);
    // Emptying an optional field removes it rather than saving "".
    fireEvent.change(within(region).getByTestId('variable-description'), { target: { value: '' } });
    expect(pipeline().variables?.[1]).toEqual({ name: 'Region', defaultValue: 'eu-west-1', owner: 'platform' });
  });

  it('adds and removes rows; removing the last leaves no variables key', () => {
    render(<PropertyPanel />);
    fireEvent.click(screen.getByTestId('variable-add'));
    expect(pipeline().variables?.map((v) => v.name)).toEqual(['DeployEnv', 'Region', 'Var3']);
    for (let i = 0; i < 3; i++) fireEvent.click(screen.getAllByTestId('variable-remove')[0]);
    expect(pipeline().variables).toBeUndefined();
  });
});

describe('output artifacts', () => {
  beforeEach(() => {
    open({
      stages: [
        {
          name: 'Build',
          actions: [{ name: 'Build', actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' }, outputArtifacts: [{ name: 'Bin', files: ['dist/**'] }] }],
        },
      ],
    });
    select({ kind: 'action', si: 0, ai: 0 });
  });

  it('keeps a trailing comma while typing, and the files of an output that keeps its name', () => {
    render(<PropertyPanel />);
    const input = screen.getByTestId('prop-outputs') as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'Bin, ' } });
    expect(input.value).toBe('Bin, ');
    fireEvent.change(input, { target: { value: 'Bin, Docs' } });
    expect(pipeline().stages[0].actions[0].outputArtifacts).toEqual([{ name: 'Bin', files: ['dist/**'] }, { name: 'Docs' }]);
  });
});
