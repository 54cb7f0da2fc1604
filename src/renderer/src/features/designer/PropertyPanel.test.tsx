// @vitest-environment jsdom
// The property panel edits one field at a time: what it does not show
// (descriptions, imported template values, unknown keys, output files) survives.
// V2 triggers and stage conditions are edited here too, and stay valid.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { emptyPipeline } from '../../../../shared/pipeline/edit';
import { newDesign } from '../../../../shared/pipeline/design-file';
import type { PipelineDeclaration } from '../../../../shared/pipeline/model';
import { validatePipeline } from '../../../../shared/pipeline/validate';
import { loadDesign, select, useDesignStore } from './design-store';
import { PropertyPanel } from './PropertyPanel';
import { selectionFor } from './IssuesPanel';

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
      { name: 'Region', defaultValue: 'us-east-1', description: 'Where', owner: 'platform' },
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
          actions: [
            {
              name: 'Build',
              actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
              outputArtifacts: [{ name: 'Bin', files: ['dist/**'] }],
            },
          ],
        },
      ],
    });
    select({ kind: 'action', si: 0, ai: 0 });
  });

  it('keeps a trailing comma while typing, and the files of an output that keeps its name', () => {
    render(<PropertyPanel />);
    const input = screen.getByTestId<HTMLInputElement>('prop-outputs');
    fireEvent.change(input, { target: { value: 'Bin, ' } });
    expect(input.value).toBe('Bin, ');
    fireEvent.change(input, { target: { value: 'Bin, Docs' } });
    expect(pipeline().stages[0].actions[0].outputArtifacts).toEqual([{ name: 'Bin', files: ['dist/**'] }, { name: 'Docs' }]);
  });
});

const connectionSource = {
  name: 'Source',
  actionTypeId: { category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' },
  configuration: { ConnectionArn: 'arn:aws:codeconnections:us-east-1:111111111111:connection/x', FullRepositoryId: 'acme/app', BranchName: 'main' },
  outputArtifacts: [{ name: 'Src' }],
};
const buildAction = {
  name: 'Build',
  actionTypeId: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  configuration: { ProjectName: 'p' },
  inputArtifacts: [{ name: 'Src' }],
};
const errors = () => validatePipeline(pipeline(), { region: 'us-east-1' }).filter((i) => i.severity === 'error');

describe('triggers', () => {
  beforeEach(() =>
    open({
      stages: [
        { name: 'Source', actions: [connectionSource] },
        { name: 'Build', actions: [buildAction] },
      ],
    }),
  );

  it('adds a push trigger on the connection source, filters it by globs one per line, and adds pull requests', () => {
    render(<PropertyPanel />);
    fireEvent.click(screen.getByTestId('trigger-add'));
    expect(pipeline().triggers).toEqual([
      { providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Source', push: [{ branches: { includes: ['main'] } }] } },
    ]);
    const push = within(screen.getByTestId('trigger-push'));
    fireEvent.change(push.getByTestId('trigger-branches-includes'), { target: { value: 'main\nrelease/{a,b}' } });
    fireEvent.change(push.getByTestId('trigger-filePaths-excludes'), { target: { value: 'docs/**' } });
    fireEvent.click(screen.getByTestId('trigger-add-pullRequest'));
    fireEvent.click(within(screen.getByTestId('trigger-pr-events')).getByLabelText('closed'));
    expect(pipeline().triggers?.[0].gitConfiguration).toEqual({
      sourceActionName: 'Source',
      push: [{ branches: { includes: ['main', 'release/{a,b}'] }, filePaths: { excludes: ['docs/**'] } }],
      pullRequest: [{ events: ['OPEN', 'UPDATED', 'CLOSED'], branches: { includes: ['main'] } }],
    });
    expect(errors()).toEqual([]);
    // Emptying a list drops it; removing the trigger leaves no triggers key.
    fireEvent.change(push.getByTestId('trigger-filePaths-excludes'), { target: { value: '' } });
    expect(pipeline().triggers?.[0].gitConfiguration.push).toEqual([{ branches: { includes: ['main', 'release/{a,b}'] } }]);
    fireEvent.click(screen.getByTestId('trigger-remove'));
    expect(pipeline().triggers).toBeUndefined();
  });

  it('is offered only with a connection source', () => {
    open({});
    render(<PropertyPanel />);
    expect(screen.getByTestId('trigger-add')).toHaveProperty('disabled', true);
    expect(screen.getByTestId('prop-triggers').textContent).toContain('CodeStarSourceConnection');
  });
});

describe('stage failure and conditions', () => {
  beforeEach(() => {
    open({
      stages: [
        { name: 'Source', actions: [connectionSource] },
        { name: 'Build', actions: [buildAction], onFailure: { result: 'ROLLBACK', owner: 'team' } },
      ],
    });
    select({ kind: 'stage', si: 1 });
  });

  it('sets retry, adds an entry condition with a rule from the catalog, and keeps what it does not show', () => {
    render(<PropertyPanel />);
    fireEvent.change(screen.getByTestId('stage-on-failure'), { target: { value: 'RETRY' } });
    expect(pipeline().stages[1].onFailure).toEqual({ owner: 'team', result: 'RETRY', retryConfiguration: { retryMode: 'FAILED_ACTIONS' } });
    fireEvent.change(screen.getByTestId('stage-retry-mode'), { target: { value: 'ALL_ACTIONS' } });

    fireEvent.click(screen.getByTestId('condition-add-beforeEntry'));
    // A new rule waits for its required field: the problems panel says so.
    expect(errors().map((i) => i.code)).toEqual(['RULE_CONFIG_REQUIRED']);
    const entry = within(screen.getByTestId('conditions-beforeEntry'));
    fireEvent.change(entry.getByTestId('rule-type'), { target: { value: 'VariableCheck' } });
    fireEvent.change(entry.getByTestId('rule-config-Variable'), { target: { value: '#{SourceVariables.BranchName}' } });
    fireEvent.change(entry.getByTestId('rule-config-Operator'), { target: { value: 'EQ' } });
    fireEvent.change(entry.getByTestId('rule-config-Value'), { target: { value: 'main' } });
    fireEvent.change(entry.getByTestId('condition-result'), { target: { value: 'SKIP' } });
    expect(pipeline().stages[1].beforeEntry).toEqual({
      conditions: [
        {
          result: 'SKIP',
          rules: [
            {
              name: 'Rule',
              ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' },
              configuration: { Variable: '#{SourceVariables.BranchName}', Operator: 'EQ', Value: 'main' },
            },
          ],
        },
      ],
    });
    expect(pipeline().stages[1].onFailure).toEqual({ owner: 'team', result: 'RETRY', retryConfiguration: { retryMode: 'ALL_ACTIONS' } });
    expect(errors()).toEqual([]);

    fireEvent.click(entry.getByTestId('condition-remove'));
    expect(pipeline().stages[1].beforeEntry).toBeUndefined();
    fireEvent.change(screen.getByTestId('stage-on-failure'), { target: { value: '' } });
    expect(pipeline().stages[1].onFailure).toEqual({ owner: 'team' });
  });

  it("a problem about a rule focuses that rule's field", () => {
    Element.prototype.scrollIntoView ??= () => undefined; // jsdom has no layout
    render(<PropertyPanel />);
    fireEvent.click(screen.getByTestId('condition-add-beforeEntry'));
    const issue = validatePipeline(pipeline(), { region: 'us-east-1' }).find((i) => i.code === 'RULE_CONFIG_REQUIRED')!;
    act(() => select(selectionFor(issue.path), issue.path.join('.')));
    expect(document.activeElement).toBe(within(screen.getByTestId('conditions-beforeEntry')).getByTestId('rule-config-Cron'));
  });

  it('shows imported rule values that are template expressions read-only', () => {
    open({
      stages: [
        { name: 'Source', actions: [connectionSource] },
        {
          name: 'Build',
          actions: [buildAction],
          onSuccess: {
            conditions: [
              {
                result: 'ROLLBACK',
                rules: [
                  {
                    name: 'Alarm',
                    ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'CloudWatchAlarm', version: '1' },
                    configuration: { AlarmName: TOKEN },
                  },
                ],
              },
            ],
          },
        },
      ],
    });
    select({ kind: 'stage', si: 1 });
    render(<PropertyPanel />);
    const onSuccess = screen.getByTestId('conditions-onSuccess');
    expect(onSuccess.textContent).toContain('!Ref Env');
    expect(onSuccess.textContent).not.toContain('\u27E6');
  });
});

describe('actions', () => {
  it('a Commands action takes its commands and output variables one per line; any action can take a role', () => {
    open({
      pipelineType: 'V2',
      stages: [
        { name: 'Source', actions: [connectionSource] },
        {
          name: 'Build',
          actions: [
            { name: 'Run', actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' }, inputArtifacts: [{ name: 'Src' }] },
          ],
        },
      ],
    });
    select({ kind: 'action', si: 1, ai: 0 });
    render(<PropertyPanel />);
    expect(errors().map((i) => i.code)).toEqual(['COMMANDS_REQUIRED']);
    fireEvent.change(screen.getByTestId('prop-commands'), { target: { value: 'npm ci\nnpm test -- --ci\n' } });
    fireEvent.change(screen.getByTestId('prop-output-variables'), { target: { value: 'VERSION' } });
    fireEvent.change(screen.getByTestId('prop-action-role'), { target: { value: 'arn:aws:iam::222222222222:role/builder' } });
    expect(pipeline().stages[1].actions[0]).toMatchObject({
      commands: ['npm ci', 'npm test -- --ci'],
      outputVariables: ['VERSION'],
      roleArn: 'arn:aws:iam::222222222222:role/builder',
    });
    // The typed trailing newline stays while the next command is typed.
    expect(screen.getByTestId<HTMLTextAreaElement>('prop-commands').value).toBe('npm ci\nnpm test -- --ci\n');
    expect(errors()).toEqual([]);
    fireEvent.change(screen.getByTestId('prop-action-role'), { target: { value: '' } });
    expect(pipeline().stages[1].actions[0].roleArn).toBeUndefined();
  });
});
