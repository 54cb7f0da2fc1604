// @vitest-environment jsdom
// The problems panel offers the fix it knows: a cross-region pipeline written
// with artifactStore is converted to artifactStores in one click.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { emptyPipeline } from '../../../../shared/pipeline/edit';
import { newDesign } from '../../../../shared/pipeline/design-file';
import { validatePipeline } from '../../../../shared/pipeline/validate';
import { loadDesign, useDesignStore } from './design-store';
import { IssuesPanel } from './IssuesPanel';

afterEach(cleanup);

describe('problems panel', () => {
  it('converts a cross-region pipeline to artifactStores', () => {
    const p = emptyPipeline();
    p.stages[1].actions.push({
      name: 'DeployEU',
      actionTypeId: { category: 'Deploy', owner: 'AWS', provider: 'CloudFormation', version: '1' },
      runOrder: 1,
      configuration: { ActionMode: 'CREATE_UPDATE', StackName: 'app' },
      region: 'eu-west-1',
    });
    loadDesign(newDesign(p), 'x.pipewright.json');
    const issues = validatePipeline(useDesignStore.getState().design.pipeline, { region: 'us-east-1' });
    expect(issues.map((i) => i.code)).toContain('CROSS_REGION_NEEDS_STORES');
    render(<IssuesPanel issues={issues} region="us-east-1" />);
    fireEvent.click(screen.getByTestId('fix-CROSS_REGION_NEEDS_STORES'));
    const after = useDesignStore.getState().design.pipeline;
    expect(Object.keys(after.artifactStores ?? {})).toEqual(['us-east-1', 'eu-west-1']);
    expect(validatePipeline(after, { region: 'us-east-1' }).map((i) => i.code)).not.toContain('CROSS_REGION_NEEDS_STORES');
  });
});
