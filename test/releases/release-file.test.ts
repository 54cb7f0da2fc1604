// The release file: the documented example parses, and bad input names its line.
import { describe, expect, it } from 'vitest';
import { parseReleaseFile, previousEnvironment, stringifyReleaseFile, wavesOf } from '../../src/shared/releases/release-file';
import { EXAMPLE } from '../helpers/releases';

const errorsOf = (text: string) => {
  const r = parseReleaseFile(text);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};

describe('release file', () => {
  it('parses the documented example, and writes it back in a form that parses to the same release', () => {
    const r = parseReleaseFile(EXAMPLE);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(wavesOf(r.release)).toEqual([['dev'], ['staging'], ['prod']]);
    expect(r.release.gates?.prod).toEqual({ after: 'staging', requireSuccess: true, soakMinutes: 30, manualConfirmation: true });
    expect(previousEnvironment(r.release, 'prod')).toBe('staging');
    expect(previousEnvironment(r.release, 'dev')).toBeNull();
    const yaml = stringifyReleaseFile(r.release);
    expect(yaml).toContain('waves: [ [ dev ], [ staging ], [ prod ] ]');
    expect(yaml).toContain('- { profile: sandbox-dev, region: us-east-1, pipeline: web-frontend }');
    expect(parseReleaseFile(yaml)).toEqual(r);
    expect(parseReleaseFile(stringifyReleaseFile(r.release, 'json'))).toEqual(r);
  });

  it('names an unknown environment in a wave, with its line', () => {
    expect(errorsOf(EXAMPLE.replace('[prod]]', '[qa]]'))).toEqual([
      { line: 14, path: 'waves.2.0', message: 'unknown environment "qa" in wave 3' },
      { line: 10, path: 'environments.2.name', message: 'environment "prod" is in no wave' },
    ]);
  });

  it('names a cycle in the gates', () => {
    const errors = errorsOf(EXAMPLE.replace('staging: { after: dev', 'staging: { after: prod'));
    expect(errors.map((e) => e.message)).toContain('the gates form a cycle: staging after prod after staging');
    expect(errors.find((e) => /cycle/.test(e.message))?.line).toBe(16);
  });

  it('names bad values and unknown keys at their line', () => {
    const errors = errorsOf(EXAMPLE.replace('sandbox-staging, region: us-east-1', 'sandbox-staging, region: useast').replace('soakMinutes', 'soakMinute'));
    expect(errors).toEqual([
      { line: 9, path: 'environments.1.targets.0.region', message: 'not a region code' },
      expect.objectContaining({ line: 17, path: 'gates.prod', message: expect.stringMatching(/soakMinute/) as string }),
    ]);
  });

  it('refuses a YAML syntax error, a wrong version, and a pipeline in two environments', () => {
    expect(errorsOf('version: 1\napplication: [x\n')[0].line).toBeGreaterThan(0);
    expect(errorsOf(EXAMPLE.replace('version: 1', 'version: 2'))[0]).toMatchObject({ line: 1, message: 'version must be 1' });
    const twice = errorsOf(EXAMPLE.replace('sandbox-staging, region: us-east-1', 'sandbox-dev, region: us-east-1'));
    expect(twice[0]).toMatchObject({ line: 9, message: expect.stringMatching(/already a target of "dev"/) as string });
  });

  it('refuses a gate that points at a later wave', () => {
    const errors = errorsOf(EXAMPLE.replace('staging: { after: dev, requireSuccess: true }', 'dev: { after: staging }'));
    expect(errors.map((e) => e.message)).toContain('gate "dev" comes after "staging", which is not in an earlier wave');
  });

  it('hostile input is an error, never a throw: deep nesting, an alias bomb', () => {
    expect(errorsOf('['.repeat(200_000))).toEqual([{ line: 1, path: '', message: 'the file nests too deeply to be a release file' }]);
    const bomb = ['a: &a0 [x, x]', ...Array.from({ length: 30 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}, *a${i}]`)].join('\n');
    expect(errorsOf(bomb)[0].message).toBe('the file expands too many aliases to be a release file');
  });
});
