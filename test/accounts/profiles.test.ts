// Reading ~/.aws config and credentials files: every credential type, role
// chains, broken chains, unknown keys, per-profile endpoints, malformed files.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadProfiles, endpointFor, stsEndpointForChain } from '../../src/main/aws/profiles';

const FIX = join(__dirname, '../fixtures/aws');
const saved = { ...process.env };
beforeEach(() => {
  process.env.AWS_CONFIG_FILE = join(FIX, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(FIX, 'credentials');
});
afterEach(() => {
  process.env = { ...saved };
});

describe('loadProfiles', () => {
  it('classifies every credential type', async () => {
    const { profiles, problems } = await loadProfiles();
    const kind = Object.fromEntries(profiles.map((p) => [p.name, p.kind]));
    expect(kind).toMatchObject({
      'static-user': 'static',
      'with-session': 'session',
      'chain-a': 'assume-role',
      'from-env': 'assume-role',
      'by-process': 'process',
      'sso-user': 'sso',
      'local-endpoints': 'static',
      'missing-secret': 'incomplete',
      default: 'incomplete',
    });
    expect(problems).toEqual([]);
    const sso = profiles.find((p) => p.name === 'sso-user')!;
    expect(sso).toMatchObject({ ssoSession: 'corp', ssoStartUrl: 'https://corp.awsapps.com/start', ssoRegion: 'us-east-1' });
  });

  it('walks role chains three deep and reports broken ones', async () => {
    const { profiles } = await loadProfiles();
    const by = (n: string) => profiles.find((p) => p.name === n)!;
    expect(by('chain-c').chain).toEqual(['chain-c', 'chain-b', 'chain-a', 'static-user']);
    expect(by('chain-c').problems).toEqual([]);
    expect(by('chain-c').mfaSerial).toBe('arn:aws:iam::111111111111:mfa/sandbox-user');
    expect(by('orphan-role').problems.join()).toMatch(/source_profile does-not-exist .* does not exist/);
    expect(by('loop-1').problems.join()).toMatch(/loops: loop-1 → loop-2 → loop-1/);
    expect(by('from-env').problems).toEqual([]);
    expect(by('missing-secret').problems.join()).toMatch(/aws_secret_access_key is missing/);
  });

  it('resolves endpoint_url per profile and per service, ignoring unknown keys', async () => {
    const { profiles } = await loadProfiles();
    const local = profiles.find((p) => p.name === 'local-endpoints')!;
    expect(endpointFor(local, 'codepipeline')).toBe('http://127.0.0.1:4566');
    expect(endpointFor(local, 's3')).toBe('http://127.0.0.1:4567');
    expect(endpointFor(local, 'sts')).toBeUndefined();
    expect(local.problems).toEqual([]);
    expect(
      stsEndpointForChain(
        profiles.find((p) => p.name === 'chain-a')!,
        profiles,
      ),
    ).toBeUndefined();
  });

  it('names the file and line of malformed config', async () => {
    process.env.AWS_CONFIG_FILE = join(FIX, 'config-malformed');
    const { profiles, problems } = await loadProfiles();
    expect(problems).toEqual([
      { file: join(FIX, 'config-malformed'), line: 4, message: expect.stringMatching(/not closed/) },
      { file: join(FIX, 'config-malformed'), line: 6, message: expect.stringMatching(/Expected "key = value"/) },
      { file: join(FIX, 'config-malformed'), line: 7, message: expect.stringMatching(/\[profile staging\]/) },
    ]);
    // The profile before the broken header still loads (the SDK's reader folds the broken
    // block into it, which is exactly why the problems above are shown to the user).
    expect(profiles.map((p) => p.name)).toContain('good');
  });

  it('works with no files at all', async () => {
    process.env.AWS_CONFIG_FILE = join(FIX, 'nope');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(FIX, 'nope-either');
    expect(await loadProfiles()).toMatchObject({ profiles: [], problems: [] });
  });
});
