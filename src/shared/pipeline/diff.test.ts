// The structural diff behind "Compare with live", deploy previews and drift.
import { describe, expect, it } from 'vitest';
import { diffPipelines, formatDiff } from './diff';
import type { PipelineDeclaration } from './model';

const base = (): PipelineDeclaration => ({
  name: 'p',
  roleArn: 'arn:aws:iam::111111111111:role/r',
  artifactStore: { type: 'S3', location: 'b' },
  stages: [
    {
      name: 'Source',
      actions: [
        {
          name: 'Src',
          actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeCommit', version: '1' },
          runOrder: 1,
          configuration: { RepositoryName: 'r', BranchName: 'main' },
          outputArtifacts: [{ name: 'S' }],
        },
      ],
    },
    {
      name: 'Build',
      actions: [
        {
          name: 'Build',
          actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
          runOrder: 1,
          configuration: { ProjectName: 'x' },
          inputArtifacts: [{ name: 'S' }],
        },
      ],
    },
  ],
});

describe('diffPipelines', () => {
  it('a new pipeline is a creation', () => {
    const d = diffPipelines(null, base());
    expect(d.creates).toBe(true);
    expect(d.changes[0].message).toBe('Create pipeline p (V1, 2 stages).');
  });

  it('no change is no change, whatever the key order or defaults left out', () => {
    const after = base();
    after.stages[1].actions[0] = {
      configuration: { ProjectName: 'x' },
      name: 'Build',
      inputArtifacts: [{ name: 'S' }],
      actionTypeId: { version: '1', provider: 'CodeBuild', owner: 'AWS', category: 'Build' },
    };
    expect(diffPipelines(base(), after).changes).toEqual([]);
    expect(formatDiff(diffPipelines(base(), after))).toBe('No changes.');
  });

  it('configuration keys one by one, with before and after', () => {
    const after = base();
    after.stages[0].actions[0].configuration = { RepositoryName: 'r', BranchName: 'release', PollForSourceChanges: 'false' };
    const d = diffPipelines(base(), after);
    expect(d.changes.map((c) => [c.kind, c.path])).toEqual([
      ['changed', 'Source / Src / configuration.BranchName'],
      ['added', 'Source / Src / configuration.PollForSourceChanges'],
    ]);
    expect(formatDiff(d)).toContain('~ Src: BranchName changed.: "main" → "release"');
  });

  it('stages added, removed and reordered; actions added, removed and moved between stages', () => {
    const after = base();
    after.stages.push({ name: 'Deploy', actions: [] });
    const added = diffPipelines(base(), after).changes;
    expect(added).toEqual([{ kind: 'added', path: 'Deploy', message: 'Stage Deploy added (position 3).' }]);
    // Inserted first or in the middle: still an added stage, never "reordered".
    for (const at of [0, 1]) {
      const inserted = base();
      inserted.stages.splice(at, 0, { name: 'Test', actions: [] });
      expect(diffPipelines(base(), inserted).changes.map((c) => c.message)).toEqual([`Stage Test added (position ${at + 1}).`]);
    }

    const swapped = base();
    swapped.stages.reverse();
    expect(diffPipelines(base(), swapped).changes.map((c) => [c.kind, c.message])).toEqual([['moved', 'Stage Source moved from position 1 to 2.']]);
    // A move and an addition together: each said as what it is.
    const both = base();
    both.stages.reverse();
    both.stages.push({ name: 'Deploy', actions: [] });
    expect(diffPipelines(base(), both).changes.map((c) => c.message)).toEqual(['Stage Deploy added (position 3).', 'Stage Source moved from position 1 to 2.']);

    const moved = base();
    moved.stages[0].actions.push(moved.stages[1].actions.pop()!);
    expect(diffPipelines(base(), moved).changes.map((c) => c.message)).toEqual(['Action Build moved from Build to Source.']);

    const removed = base();
    removed.stages[1].actions = [];
    expect(diffPipelines(base(), removed).changes.map((c) => c.message)).toEqual(['Action Build removed from Build.']);
  });

  it('flags a V1 to V2 switch (priced differently) and top-level changes', () => {
    const after = { ...base(), pipelineType: 'V2' as const, executionMode: 'QUEUED' as const };
    const d = diffPipelines(base(), after);
    expect(d.v1ToV2).toBe(true);
    expect(d.changes.map((c) => c.path)).toEqual(['pipelineType', 'executionMode']);
    expect(d.changes[0].message).toContain('priced per action-minute');
    // SUPERSEDED is the default: spelling it out is no change.
    expect(diffPipelines(base(), { ...base(), executionMode: 'SUPERSEDED' }).changes).toEqual([]);
  });
});
