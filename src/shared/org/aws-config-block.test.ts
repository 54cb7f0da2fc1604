import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { beginMarker, diffBlockSections, endMarker, parseAwsConfig, renderBlock, replaceBlock, type ExportedProfile } from './aws-config-block';

const USER = `[default]
region = eu-west-1

# my work account
[profile work]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin
s3 =
  addressing_style = path

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
`;
const session = { name: 'acme', startUrl: 'https://d-123.awsapps.com/start', region: 'us-east-1', scopes: ['sso:account:access'] };
const profiles: ExportedProfile[] = [
  { name: 'payments-prod/ReadOnlyAccess', accountId: '123456789012', roleName: 'ReadOnlyAccess', region: 'us-east-1' },
  { name: 'payments-prod/AdministratorAccess', accountId: '123456789012', roleName: 'AdministratorAccess', region: 'us-east-1' },
];
const block = (p = profiles, includeSession = true, eol = '\n') => renderBlock({ blockName: 'acme', session, includeSession, profiles: p, eol });

describe("Pipewright's block in ~/.aws/config", () => {
  it('parses the sections, their settings and nested blocks', () => {
    const parsed = parseAwsConfig(USER, 'config', 'acme');
    expect(parsed.sections.map((s) => [s.kind, s.name, s.line])).toEqual([
      ['default', 'default', 1],
      ['profile', 'work', 5],
      ['sso-session', 'corp', 12],
    ]);
    expect(parsed.sections[1].values).toEqual({ sso_session: 'corp', sso_account_id: '111111111111', sso_role_name: 'Admin', 's3.addressing_style': 'path' });
    expect(parsed.block).toBeUndefined();
  });

  it('appends the block after a blank line of its own, replaces only it, and removing it gives back the same bytes', () => {
    const once = replaceBlock(USER, parseAwsConfig(USER, 'config', 'acme'), block());
    expect(once.startsWith(USER + '\n' + beginMarker('acme') + '\n')).toBe(true);
    expect(once.endsWith(endMarker('acme') + '\n')).toBe(true);
    const parsed = parseAwsConfig(once, 'config', 'acme');
    expect(parsed.sections.filter((s) => s.inBlock).map((s) => s.name)).toEqual(['acme', 'payments-prod/ReadOnlyAccess', 'payments-prod/AdministratorAccess']);
    expect(parsed.sections.find((s) => s.name === 'payments-prod/ReadOnlyAccess')?.values).toEqual({
      sso_session: 'acme',
      sso_account_id: '123456789012',
      sso_role_name: 'ReadOnlyAccess',
      region: 'us-east-1',
    });
    // Again with one profile fewer: only the block changes.
    const twice = replaceBlock(once, parsed, block(profiles.slice(0, 1)));
    expect(twice).toBe(USER + '\n' + block(profiles.slice(0, 1)));
    expect(replaceBlock(twice, parseAwsConfig(twice, 'config', 'acme'), null)).toBe(USER);
  });

  it('keeps what the user wrote after the block, and their own blank lines', () => {
    const text = `[default]\nregion = x\n\n\n${block()}\n[profile after]\nregion = y\n`;
    const parsed = parseAwsConfig(text, 'config', 'acme');
    expect(replaceBlock(text, parsed, null)).toBe('[default]\nregion = x\n\n\n[profile after]\nregion = y\n');
    expect(replaceBlock(text, parsed, block(profiles.slice(1)))).toBe(`[default]\nregion = x\n\n\n${block(profiles.slice(1))}\n[profile after]\nregion = y\n`);
  });

  it('writes into an empty file, one without a final line break, and one with CRLF line ends', () => {
    expect(replaceBlock('', parseAwsConfig('', 'c', 'acme'), block())).toBe(block());
    expect(replaceBlock('[default]\nregion = x', parseAwsConfig('[default]\nregion = x', 'c', 'acme'), block())).toBe(`[default]\nregion = x\n\n${block()}`);
    const crlf = '[default]\r\nregion = x\r\n';
    const parsed = parseAwsConfig(crlf, 'c', 'acme');
    expect(parsed.eol).toBe('\r\n');
    const written = replaceBlock(crlf, parsed, block(profiles, true, parsed.eol));
    expect(written.split('\n').every((l, i, all) => i === all.length - 1 || l.endsWith('\r'))).toBe(true);
    expect(replaceBlock(written, parseAwsConfig(written, 'c', 'acme'), null)).toBe(crlf);
  });

  it("leaves another organization's block alone", () => {
    const other = renderBlock({ blockName: 'other', session: { ...session, name: 'other' }, includeSession: true, profiles });
    const text = USER + '\n' + other;
    const mine = replaceBlock(text, parseAwsConfig(text, 'c', 'acme'), block());
    expect(mine).toBe(text + '\n' + block());
    expect(replaceBlock(mine, parseAwsConfig(mine, 'c', 'acme'), null)).toBe(text);
  });

  it.each([
    ['[profile broken\nregion = x\n', 1, 'not closed'],
    ['region = x\n[default]\n', 1, 'before any [section]'],
    ['[default]\nthis is not a setting\n', 2, 'Expected "key = value"'],
    ['[profile has space]\nregion = x\n', 1, 'Malformed section header'],
    [`[default]\n${beginMarker('acme')}\n[profile a]\nregion = x\n`, 2, 'has no "# END pipewright org acme"'],
    [`[default]\n${endMarker('acme')}\n`, 2, 'without its'],
    [`${block()}${block()}`, 21, 'A second'],
    [`${block()}region = stray\n`, 21, 'before any [section]'],
  ])('refuses a file it cannot parse, naming the line: %j', (text, line, message) => {
    let err: (Error & { code?: string }) | undefined;
    try {
      parseAwsConfig(text, '/home/u/.aws/config', 'acme');
    } catch (e) {
      err = e as Error & { code?: string };
    }
    expect(err?.code).toBe('INVALID_INPUT');
    expect(err?.message).toContain('/home/u/.aws/config cannot be parsed, so it was not changed');
    expect(err?.message).toContain(`/home/u/.aws/config:${line}: `);
    expect(err?.message).toContain(message);
  });

  it('diffs the old block against the new one section by section', () => {
    const before = parseAwsConfig(block(), 'c', 'acme').sections;
    const changed = [
      { ...profiles[0], region: 'eu-west-1' },
      { name: 'orders-dev/ReadOnlyAccess', accountId: '210987654321', roleName: 'ReadOnlyAccess' },
    ];
    const after = parseAwsConfig(block(changed, false), 'c', 'acme').sections;
    expect(diffBlockSections(before, after)).toEqual([
      { section: '[profile payments-prod/ReadOnlyAccess]', change: 'changed', keys: [{ key: 'region', from: 'us-east-1', to: 'eu-west-1' }] },
      { section: '[profile orders-dev/ReadOnlyAccess]', change: 'added' },
      { section: '[sso-session acme]', change: 'removed' },
      { section: '[profile payments-prod/AdministratorAccess]', change: 'removed' },
    ]);
  });

  it('property: whatever well-formed file the user has, export then remove gives back exactly that file', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const section = fc.tuple(
      fc.constantFrom('profile ', 'sso-session ', 'services ', ''),
      name,
      fc.array(fc.tuple(fc.stringMatching(/^[a-z_]{1,8}$/), fc.stringMatching(/^[a-z0-9:/._-]{1,12}$/)), { maxLength: 3 }),
      fc.constantFrom('', '\n', '# a comment\n'),
    );
    fc.assert(
      fc.property(fc.array(section, { maxLength: 5 }), fc.boolean(), fc.constantFrom('\n', '\r\n'), (sections, finalNewline, eol) => {
        let text = sections.map(([kind, n, kv, after]) => `[${kind}${n}]\n${kv.map(([k, v]) => `${k} = ${v}\n`).join('')}${after}`).join('');
        if (!finalNewline) text = text.replace(/\n$/, '');
        text = text.replace(/\n/g, eol);
        const parsed = parseAwsConfig(text, 'c', 'acme');
        const written = replaceBlock(text, parsed, block(profiles, true, parsed.eol));
        const back = replaceBlock(written, parseAwsConfig(written, 'c', 'acme'), null);
        // A file without a final line break gets one: the block could not follow it otherwise.
        expect(back).toBe(text === '' || text.endsWith('\n') ? text : text + parsed.eol);
      }),
    );
  });
});
