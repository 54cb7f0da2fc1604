// `pipewright org …` (issue 25): an organization as a source of accounts, from a
// terminal. connect saves how to reach it (an IAM Identity Center session, an AWS
// Organizations profile), signs in only when the AWS CLI's cached token will not
// do, and discovers; accounts lists every account with its state, OU path, roles
// and, where no role is usable, why (exit 4 when the discovery was incomplete);
// export-profiles writes them into ~/.aws/config in Pipewright's block after a
// preview and a diff (and --remove takes the block out again).
import { resolve } from 'node:path';
import { terminalLine, terminalLink } from '../../shared/terminal-text';
import { isEmptyDiff, type DiscoveryDiff } from '../../shared/org/discovery';
import { beginMarker, endMarker } from '../../shared/org/aws-config-block';
import type { DevicePrompt } from '../aws/identity-center';
import type { DiscoveryProgress, OrgSnapshot } from '../org';
import { withServices } from './cli-services';
import { EXIT, UsageError, type ExitCode } from './exit-codes';
import { prompter, stdio, type Io } from './prompter';
import { table } from './table';

/** A device login's link: AWS's (https, allowed hosts), or a sandbox's on this machine; anything else withheld. */
function deviceLink(url: string): string {
  try {
    const u = new URL(url);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return terminalLine(url);
  } catch {
    // Not a URL: withheld below.
  }
  return terminalLink(url);
}

/** Shows a device login's code on standard error (standard output stays the command's result). */
const showLogin =
  (io: Io) =>
  (p: DevicePrompt): void => {
    io.err.write(
      `To sign in to IAM Identity Center, open\n  ${deviceLink(p.verificationUri)}\nand check that it shows the code ${terminalLine(p.userCode)}. Waiting for the sign-in…\n`,
    );
  };

/** Progress on standard error, a line a second at most (and the last one). */
function showProgress(io: Io): (p: DiscoveryProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    const end = !p.listing && p.done === p.total;
    if (!end && now - last < 1000) return;
    last = now;
    io.err.write(`Discovering: ${p.done} of ${p.total}${p.listing ? '+' : ''} accounts\n`);
  };
}

function describeChanges(d: DiscoveryDiff): string[] {
  if (isEmptyDiff(d)) return [`No change since ${d.since}.`];
  const names = (xs: Array<{ name: string; accountId: string }>) =>
    xs
      .slice(0, 10)
      .map((x) => `${x.name} (${x.accountId})`)
      .join(', ') + (xs.length > 10 ? `, and ${xs.length - 10} more` : '');
  const lines = [`Since ${d.since}:`];
  if (d.added.length) lines.push(`  added: ${names(d.added)}`);
  if (d.gone.length) lines.push(`  gone: ${names(d.gone)}`);
  if (d.closed.length) lines.push(`  closed or suspended: ${d.closed.map((x) => `${x.name} (${x.accountId}, ${x.state})`).join(', ')}`);
  for (const r of d.rolesChanged.slice(0, 20))
    lines.push(`  roles of ${r.name} (${r.accountId}): ${[...r.added.map((x) => `+${x}`), ...r.removed.map((x) => `-${x}`)].join(' ')}`);
  if (d.rolesChanged.length > 20) lines.push(`  roles changed in ${d.rolesChanged.length - 20} more accounts`);
  for (const r of d.renamed) lines.push(`  renamed: ${r.from} → ${r.name} (${r.accountId})`);
  return lines.map(terminalLine);
}

function summary(s: OrgSnapshot): string[] {
  const usable = s.accounts.filter((a) => !a.reason);
  const roles = s.accounts.reduce((n, a) => n + a.roles.length, 0);
  const lines = [
    `${s.accounts.length} accounts, ${roles} roles; ${usable.length} with a usable role, ${s.accounts.length - usable.length} without (pipewright org accounts says why).`,
  ];
  if (s.identityCenter) {
    const st = s.identityCenter.stats;
    lines.push(
      `IAM Identity Center: ${s.identityCenter.accounts.length} accounts in ${(st.wallMs / 1000).toFixed(1)} s, ${st.calls} calls at 20 a second at most` +
        (st.throttled ? ` (${st.throttled} throttled and retried)` : '') +
        (st.refreshes ? `, token refreshed ${st.refreshes}×` : '') +
        (st.logins ? `, ${st.logins} sign-in` : '') +
        '.',
    );
  }
  if (s.organizations) {
    const unreached = s.accounts.filter((a) => a.inIdentityCenter === false);
    lines.push(
      `AWS Organizations (profile ${s.organizations.profile}): ${s.organizations.accounts.length} accounts; ${unreached.length} not reached through Identity Center${unreached.length ? `: ${unreached.map((a) => `${a.name} (${a.accountId}${a.state ? `, ${a.state}` : ''})`).join(', ')}` : ''}.`,
    );
  }
  return lines.map(terminalLine);
}

function reportProblems(io: Io, s: OrgSnapshot): void {
  for (const p of s.problems.slice(0, 20)) io.err.write(terminalLine(p) + '\n');
  if (s.problems.length > 20) io.err.write(`… and ${s.problems.length - 20} more.\n`);
  if (!s.complete) io.err.write('The discovery is incomplete (above): what could not be read is listed with the reason, never left out. Exit 4.\n');
}

export async function runOrgConnect(
  o: { ssoStartUrl?: string; ssoRegion?: string; name?: string; ssoSession?: string; organizationsProfile?: string },
  io: Io = stdio,
): Promise<ExitCode> {
  const byUrl = o.ssoStartUrl !== undefined || o.ssoRegion !== undefined;
  if (!byUrl && o.ssoSession === undefined && o.organizationsProfile === undefined)
    throw new UsageError('Give --sso-session NAME, or --sso-start-url URL --sso-region R [--name N], and/or --organizations-profile P.');
  if (o.ssoSession !== undefined && (byUrl || o.name !== undefined))
    throw new UsageError('--sso-session takes the start URL and region from your AWS config: leave out --sso-start-url, --sso-region and --name.');
  if (byUrl && (o.ssoStartUrl === undefined || o.ssoRegion === undefined)) throw new UsageError('--sso-start-url and --sso-region go together.');
  if (o.name !== undefined && !byUrl) throw new UsageError('--name names a connection made with --sso-start-url.');
  return withServices(async ({ org }) => {
    const login = showLogin(io);
    if (o.ssoSession !== undefined || byUrl) {
      const input =
        o.ssoSession !== undefined ? { ssoSession: o.ssoSession } : { startUrl: o.ssoStartUrl!, region: o.ssoRegion!, ...(o.name ? { name: o.name } : {}) };
      const r = await org.connectIdentityCenter(input, { login, setAsideBadCache: true });
      const ic = r.connection.identityCenter!;
      for (const n of r.notes) io.err.write(terminalLine(n) + '\n');
      io.out.write(terminalLine(`Connected ${r.connection.name}: IAM Identity Center ${ic.startUrl} (${ic.region}).`) + '\n');
      const how = {
        cache: 'Using the token the AWS CLI cached for this session: no new sign-in',
        'cache-other-session': 'Using a token the AWS CLI cached for the same start URL: no new sign-in',
        refreshed: 'Refreshed the cached token: no new sign-in',
        login: 'Signed in; the token is in the AWS CLI’s cache, for the CLI too',
      }[r.token.source];
      io.out.write(`${how} (valid until ${r.token.expiresAt}).\n`);
    }
    if (o.organizationsProfile !== undefined) {
      const c = await org.connectOrganizations(o.organizationsProfile);
      io.out.write(terminalLine(`AWS Organizations will be read with profile ${c.organizationsProfile}.`) + '\n');
    }
    const s = await org.refresh({ login, onProgress: showProgress(io) });
    for (const line of summary(s)) io.out.write(line + '\n');
    if (s.changes) for (const line of describeChanges(s.changes)) io.out.write(line + '\n');
    reportProblems(io, s);
    return s.complete ? EXIT.ok : EXIT.unverified;
  }, io.err);
}

export async function runOrgAccounts(o: { json: boolean; refresh: boolean }, io: Io = stdio): Promise<ExitCode> {
  return withServices(async ({ org }) => {
    const cached = o.refresh ? null : await org.snapshot();
    const s = cached ?? (await org.refresh({ login: showLogin(io), onProgress: showProgress(io) }));
    if (o.json) {
      const ic = s.connection.identityCenter;
      io.out.write(
        JSON.stringify(
          {
            organization: s.connection.name,
            identityCenter: ic ? { startUrl: ic.startUrl, region: ic.region, discoveredAt: s.identityCenter?.finishedAt ?? null } : null,
            organizations: s.organizations ? { profile: s.organizations.profile, readAt: s.organizations.readAt } : null,
            complete: s.complete,
            accounts: s.accounts.map((a) => ({
              id: a.accountId,
              name: a.name,
              state: a.state,
              ouPath: a.ouPath,
              roles: a.roles,
              reason: a.reason,
              inIdentityCenter: a.inIdentityCenter,
              inOrganizations: a.inOrganizations,
            })),
            problems: s.problems,
            changes: s.changes,
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      io.out.write(
        table([
          ['ACCOUNT', 'NAME', 'STATE', 'OU', 'ROLES', 'NOTE'],
          ...s.accounts.map((a) => [
            a.accountId,
            a.name,
            a.state ?? '-',
            a.ouPath === null ? '-' : a.ouPath || '(root)',
            a.roles.join(',') || '-',
            a.reason ?? '',
          ]),
        ]),
      );
      for (const line of summary(s)) io.out.write(line + '\n');
      const when = s.identityCenter?.finishedAt ?? s.organizations?.readAt;
      if (cached && when) io.out.write(`As discovered at ${when} (--refresh discovers again).\n`);
      if (s.changes && o.refresh) for (const line of describeChanges(s.changes)) io.out.write(line + '\n');
    }
    reportProblems(io, s);
    return s.complete ? EXIT.ok : EXIT.unverified;
  }, io.err);
}

export async function runOrgExportProfiles(o: { out?: string; yes: boolean; remove: boolean }, io: Io = stdio): Promise<ExitCode> {
  return withServices(async ({ org }) => {
    const plan = await org.planExport({ ...(o.out ? { file: resolve(o.out) } : {}), remove: o.remove });
    const name = (await org.connection()).name;
    const file = terminalLine(plan.file);
    if (o.remove) {
      if (!plan.hadBlock) {
        io.out.write(`${file} has no block for ${terminalLine(name)}: nothing to remove.\n`);
        return EXIT.ok;
      }
      io.out.write(`Removing Pipewright's block (${terminalLine(beginMarker(name))} … ${terminalLine(endMarker(name))}) from ${file}:\n`);
    } else {
      io.out.write(
        `${plan.profiles.length} profiles into ${file}, inside Pipewright's block (${terminalLine(beginMarker(name))} … ${terminalLine(endMarker(name))})` +
          `${plan.sessionWritten ? ', with its [sso-session]' : '; the [sso-session] is already yours'}. Nothing else in the file changes.\n`,
      );
      for (const a of plan.alreadyThere) io.out.write(terminalLine(`  left as is: [profile ${a.name}] is yours (${plan.file}:${a.line})`) + '\n');
      for (const a of plan.leftOut) io.out.write(terminalLine(`  not written: ${a.name} (${a.accountId}): ${a.reason}`) + '\n');
    }
    // The diff, section by section, against the block as it is now.
    for (const c of plan.changes) {
      const mark = c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~';
      const keys = c.keys?.map((k) => `${k.key}: ${k.from ?? '(none)'} → ${k.to ?? '(none)'}`).join('; ');
      io.out.write(terminalLine(`${mark} ${c.section}${keys ? `  ${keys}` : ''}`) + '\n');
    }
    if (plan.unchanged) {
      io.out.write('Nothing to change.\n');
      return EXIT.ok;
    }
    const added = plan.changes.filter((c) => c.change === 'added').length;
    const removed = plan.changes.filter((c) => c.change === 'removed').length;
    const changed = plan.changes.filter((c) => c.change === 'changed').length;
    io.out.write(`${added} sections added, ${changed} changed, ${removed} removed.\n`);
    if (!o.yes) {
      const prompt = prompter(io.input, io.out);
      try {
        if (!/^(y|yes)$/i.test(await prompt.ask(`${o.remove ? 'Remove the block from' : 'Write these to'} ${file}? Type yes: `))) {
          io.out.write('Nothing was written.\n');
          return EXIT.stopped;
        }
      } finally {
        prompt.close();
      }
    }
    await org.writeExport(plan);
    io.out.write(
      o.remove
        ? `Removed the block from ${file}.\n`
        : `Wrote ${file}. Try: aws --profile ${terminalLine(plan.profiles[0]?.name ?? 'NAME')} sts get-caller-identity\n`,
    );
    return EXIT.ok;
  }, io.err);
}
