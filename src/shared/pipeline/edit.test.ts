// The designer's pure edits: each returns a new declaration (the input is never
// changed), names stay unique, and artifacts stay wired to what is upstream.
import { describe, expect, it } from 'vitest';
import {
  addAction,
  addStage,
  allArtifacts,
  duplicateAction,
  emptyPipeline,
  moveAction,
  moveStage,
  pasteAction,
  pasteStage,
  removeAction,
  removeStage,
  renameStage,
  uniqueName,
  updateAction,
  updateStage,
  upstreamArtifacts,
  withConfigValue,
} from './edit';
import { PROVIDERS } from './providers';
import type { PipelineDeclaration } from './model';

const spec = (provider: string) => PROVIDERS.find((p) => p.provider === provider)!;
const frozen = <T>(v: T): T => {
  const deep = (x: unknown) => {
    if (x && typeof x === 'object') {
      Object.freeze(x);
      Object.values(x).forEach(deep);
    }
  };
  deep(v);
  return v;
};

/** Source → Build(CodeBuild) → Deploy, built with the edits themselves. */
function sample(): PipelineDeclaration {
  let p = addAction(emptyPipeline('demo'), 0, spec('CodeCommit')).pipeline;
  p = addAction(p, 1, spec('CodeBuild')).pipeline;
  return addStage(p, 2, 'Deploy');
}

describe('pipeline edits', () => {
  it('names: unique, cleaned of characters the service refuses', () => {
    expect(uniqueName('Build', ['Build', 'Build2'])).toBe('Build3');
    expect(uniqueName('My Stage!', [])).toBe('MyStage');
    expect(uniqueName('!!!', [])).toBe('Item');
  });

  it('adds actions wired to the nearest upstream artifact, with required configuration and a unique output', () => {
    const p = sample();
    const [source] = p.stages[0].actions;
    const [build] = p.stages[1].actions;
    expect(source.outputArtifacts).toEqual([{ name: 'SourceOutput' }]);
    expect(build.inputArtifacts).toEqual([{ name: 'SourceOutput' }]);
    expect(build.outputArtifacts).toEqual([{ name: 'CodeBuildOutput' }]);
    expect(build.configuration).toHaveProperty('ProjectName', '');
    const again = addAction(p, 1, spec('CodeBuild'));
    expect(again.pipeline.stages[1].actions[again.index].name).toBe('CodeBuild2');
    expect(again.pipeline.stages[1].actions[again.index].runOrder).toBe(2);
    expect(upstreamArtifacts(again.pipeline, 1, 2)).toEqual(['SourceOutput', 'CodeBuildOutput']);
    expect(upstreamArtifacts(again.pipeline, 1, 1)).toEqual(['SourceOutput']);
  });

  it('never changes its input', () => {
    const p = frozen(sample());
    expect(() => {
      addStage(p);
      renameStage(p, 1, 'Compile');
      moveStage(p, 0, 1);
      removeStage(p, 2);
      updateAction(p, 1, 0, { runOrder: 3 });
      updateStage(p, 1, { onFailure: { result: 'RETRY' } });
      removeAction(p, 1, 0);
      moveAction(p, { si: 1, ai: 0 }, { si: 2, runOrder: 1 });
      duplicateAction(p, 1, 0);
      pasteStage(p, 1, p.stages[1]);
    }).not.toThrow();
  });

  it('stages: add with a unique name, rename, move within bounds, remove', () => {
    const p = sample();
    expect(addStage(p, 1, 'Build').stages.map((s) => s.name)).toEqual(['Source', 'Build2', 'Build', 'Deploy']);
    expect(renameStage(p, 1, 'Compile').stages[1].name).toBe('Compile');
    expect(moveStage(p, 2, 0).stages.map((s) => s.name)).toEqual(['Deploy', 'Source', 'Build']);
    expect(moveStage(p, 0, 9)).toBe(p);
    expect(removeStage(p, 2).stages).toHaveLength(2);
  });

  it('updates drop keys patched to undefined, and configuration values one at a time', () => {
    const p = updateAction(sample(), 1, 0, { region: 'eu-west-1' });
    expect(p.stages[1].actions[0].region).toBe('eu-west-1');
    expect('region' in updateAction(p, 1, 0, { region: undefined }).stages[1].actions[0]).toBe(false);
    expect(withConfigValue({ A: '1' }, 'B', '2')).toEqual({ A: '1', B: '2' });
    expect(withConfigValue({ A: '1' }, 'A', undefined)).toBeUndefined();
  });

  it('moves an action to another stage with a unique name and a runOrder in 1..999', () => {
    const p = addAction(sample(), 2, spec('CodeBuild')).pipeline;
    const moved = moveAction(p, { si: 1, ai: 0 }, { si: 2, runOrder: 5000 });
    const a = moved.pipeline.stages[2].actions[moved.index];
    expect(a.name).toBe('CodeBuild2');
    expect(a.runOrder).toBe(999);
    expect(moved.pipeline.stages[1].actions).toHaveLength(0);
  });

  it('duplicates and pastes with fresh names for the action and its outputs', () => {
    const p = sample();
    const dup = duplicateAction(p, 1, 0);
    const copy = dup.pipeline.stages[1].actions[dup.index];
    expect(copy.name).toBe('CodeBuild2');
    expect(copy.outputArtifacts).toEqual([{ name: 'CodeBuildOutput2' }]);
    expect(new Set(allArtifacts(dup.pipeline)).size).toBe(allArtifacts(dup.pipeline).length);
    const pasted = pasteAction(p, 2, p.stages[1].actions[0]);
    expect(pasted.pipeline.stages[2].actions[pasted.index].name).toBe('CodeBuild');
    const stage = pasteStage(p, 2, p.stages[1]);
    expect(stage.stages.map((s) => s.name)).toEqual(['Source', 'Build', 'Build2', 'Deploy']);
    expect(stage.stages[2].actions[0].outputArtifacts).toEqual([{ name: 'CodeBuildOutput2' }]);
  });
});
