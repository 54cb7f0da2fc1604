import { describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from './dispatcher';
import { AppError } from '../../shared/api/errors';
import { Settings } from '../../shared/api/settings';

const settingsView = { settings: Settings.parse({}), warning: null };

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  // Only the methods these tests call; the rest are never reached.
  const base: Partial<Handlers> = {
    'app.info': () => ({ name: 'Pipewright', version: '1.0.0', mode: 'browser', platform: 'linux' }),
    'app.ready': () => ({ flushed: 0, dropped: 0 }),
    'settings.get': () => settingsView,
    'settings.update': () => settingsView,
    'jobs.list': () => ({ jobs: [] }),
    'jobs.cancel': () => ({ cancelled: false }),
    'sandbox.status': () => ({ running: false, endpoint: null, seed: null, accounts: [], regions: [], pipelineCount: 0 }),
    'sandbox.reseed': () => ({ jobId: 'job-1' }),
  };
  return { ...base, ...overrides } as Handlers;
}

const ctx = { clientId: 'test' };

describe('dispatcher', () => {
  it('calls the service and returns its parsed result', async () => {
    const d = createDispatcher(handlers());
    expect(await d('app.info', {}, ctx)).toEqual({ ok: true, result: { name: 'Pipewright', version: '1.0.0', mode: 'browser', platform: 'linux' } });
  });

  it('rejects unknown methods, including prototype names', async () => {
    const d = createDispatcher(handlers());
    for (const m of ['nope.nothing', '__proto__', 'constructor', 'toString', 42, null]) {
      const r = await d(m, {}, ctx);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('UNKNOWN_METHOD');
    }
  });

  it('rejects wrong types, extra keys and huge strings with INVALID_INPUT and paths', async () => {
    let called = false;
    const d = createDispatcher(handlers({ 'settings.update': () => ((called = true), settingsView) }));
    const cases: unknown[] = [
      { theme: 42 },
      { theme: 'dark', surprise: true },
      { workspace: { profiles: ['x'.repeat(10_000)] } },
      { fanout: { perTargetConcurrency: 1e9 } },
      'not an object',
      [],
    ];
    for (const input of cases) {
      const r = await d('settings.update', input, ctx);
      expect(r.ok, JSON.stringify(input).slice(0, 60)).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('INVALID_INPUT');
        expect(Array.isArray(r.error.details)).toBe(true);
      }
    }
    expect(called).toBe(false);
  });

  it('encodes a service AppError with its code, message and details', async () => {
    const d = createDispatcher(
      handlers({
        'jobs.list': () => {
          throw new AppError('NOT_FOUND', 'No such job', { jobId: 'x' });
        },
      }),
    );
    expect(await d('jobs.list', {}, ctx)).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No such job', details: { jobId: 'x' } } });
  });

  it('encodes unexpected errors as INTERNAL without stack traces, and logs them', async () => {
    const lines: string[] = [];
    const d = createDispatcher(
      handlers({
        'jobs.list': async () => {
          throw new TypeError('boom');
        },
      }),
      (l) => lines.push(l),
    );
    const r = await d('jobs.list', {}, ctx);
    expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
    expect(JSON.stringify(r)).not.toContain('at ');
    expect(lines.join('\n')).toContain('jobs.list failed');
  });

  it('refuses results that break the contract instead of sending them', async () => {
    const d = createDispatcher(handlers({ 'app.info': () => ({ name: 1 }) as never }));
    const r = await d('app.info', {}, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('INTERNAL');
  });

  it('strips keys the contract does not declare from results (nothing extra leaks)', async () => {
    const d = createDispatcher(
      handlers({
        'sandbox.status': () =>
          ({
            running: true,
            endpoint: 'http://127.0.0.1:1',
            seed: 'demo',
            accounts: [{ id: '1', name: 'a', secretAccessKey: 'SECRET' }],
            regions: [],
            pipelineCount: 0,
          }) as never,
      }),
    );
    const r = await d('sandbox.status', {}, ctx);
    expect(JSON.stringify(r)).not.toContain('SECRET');
  });

  it('gives failures the services did not wrap a specific code when the describer knows them (AWS errors)', async () => {
    const { awsAppError } = await import('../aws/errors');
    const denied = Object.assign(new Error('User is not authorized to perform codepipeline:ListPipelines'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    const d = createDispatcher(
      handlers({
        'jobs.list': () => {
          throw denied;
        },
      }),
      () => {},
      awsAppError,
    );
    expect(await d('jobs.list', {}, ctx)).toEqual({
      ok: false,
      error: {
        code: 'AWS_ERROR',
        message: 'AccessDeniedException: User is not authorized to perform codepipeline:ListPipelines',
        details: { awsCode: 'AccessDeniedException', kind: 'access-denied' },
      },
    });
    const missing = Object.assign(new Error('Pipeline not found'), { name: 'PipelineNotFoundException', $metadata: {} });
    const r = await createDispatcher(
      handlers({
        'jobs.list': () => {
          throw missing;
        },
      }),
      () => {},
      awsAppError,
    )('jobs.list', {}, ctx);
    expect(!r.ok && r.error.code).toBe('NOT_FOUND');
    // Not from AWS: still INTERNAL.
    const other = await createDispatcher(
      handlers({
        'jobs.list': () => {
          throw new TypeError('boom');
        },
      }),
      () => {},
      awsAppError,
    )('jobs.list', {}, ctx);
    expect(!other.ok && other.error.code).toBe('INTERNAL');
  });
});
