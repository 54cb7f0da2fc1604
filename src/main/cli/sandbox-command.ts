// `pipewright sandbox`: runs the local AWS sandbox alone and prints a ready-to-paste
// ~/.aws/config snippet (keys included: they are sandbox-only) so any AWS tool can use it.
// With `--seed org` the snippet also has an [sso-session] for the sandbox's IAM Identity
// Center and an SSO profile for the organization's management account.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../node/atomic-file';
import { Sandbox } from '../../sandbox/sandbox';
import { writeAwsDataPath } from './aws-data-path';
import type { SeedName } from '../../sandbox/seed';
import { JsonFileError, readJsonFile } from '../../node/json-file';
import { SandboxConfig } from '../../sandbox/config';
import { ORG_SSO_REGION, ORG_SSO_SESSION } from '../../sandbox/seed-org';

/** A path as one shell word (the export lines are pasted or eval'd). */
const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function awsConfigSnippet(endpoint: string, config: SandboxConfig): string {
  const region = config.regions[0] ?? 'us-east-1';
  const lines: string[] = [];
  for (const a of [...config.accounts, ...config.users]) {
    lines.push(
      `[profile ${a.name}]`,
      `region = ${region}`,
      `endpoint_url = ${endpoint}`,
      `aws_access_key_id = ${a.accessKeyId}`,
      `aws_secret_access_key = ${a.secretAccessKey}`,
      's3 =',
      '  addressing_style = path',
      '',
    );
  }
  const dev = config.accounts[0];
  const prod = config.accounts[config.accounts.length - 1];
  const role = config.roles.find((r) => !r.requireMfa)?.name ?? 'PipewrightAdmin';
  lines.push(
    `[profile ${prod.name}-admin]`,
    `role_arn = arn:aws:iam::${prod.id}:role/${role}`,
    `source_profile = ${dev.name}`,
    `region = ${region}`,
    `endpoint_url = ${endpoint}`,
    '',
  );
  return lines.join('\n');
}

/** The organization's part: Identity Center's sso-session and the management account's SSO profile. */
export function orgConfigSnippet(endpoint: string, org: { startUrl: string; managementAccountId: string; managementName: string }): string {
  return [
    `[sso-session ${ORG_SSO_SESSION}]`,
    `sso_start_url = ${org.startUrl}`,
    `sso_region = ${ORG_SSO_REGION}`,
    'sso_registration_scopes = sso:account:access',
    '',
    `[profile ${org.managementName}]`,
    `sso_session = ${ORG_SSO_SESSION}`,
    `sso_account_id = ${org.managementAccountId}`,
    'sso_role_name = AdministratorAccess',
    `region = ${ORG_SSO_REGION}`,
    `endpoint_url = ${endpoint}`,
    '',
  ].join('\n');
}

async function readConfigFile(file: string): Promise<Record<string, unknown>> {
  try {
    return await readJsonFile(file, SandboxConfig, { maxIssues: Infinity });
  } catch (err) {
    if (err instanceof JsonFileError) throw err.kind === 'syntax' ? new Error(`${file} is ${err.detail}`) : err;
    throw new Error(`Cannot read the sandbox configuration ${file}: ${(err as Error).message}`);
  }
}

export async function runSandboxCommand(opts: {
  port?: number;
  seed: SeedName;
  data?: string;
  adminToken?: string;
  timeScale?: number;
  config?: string;
  /** Write the profiles here (instead of only printing them) and print the export lines that use them. */
  awsConfig?: string;
}): Promise<Sandbox> {
  if (opts.timeScale !== undefined && !(opts.timeScale >= 0 && opts.timeScale <= 100)) throw new Error('--time-scale takes a number from 0 to 100');
  const fileConfig = opts.config ? await readConfigFile(opts.config) : {};
  const sb = await Sandbox.start({
    port: opts.port,
    seed: opts.seed,
    dataDir: opts.data,
    adminToken: opts.adminToken,
    config: { ...fileConfig, ...(opts.timeScale === undefined ? {} : { timeScale: opts.timeScale }) },
    log: (l) => console.error(l),
  });
  const out = process.stdout;
  out.write(`Pipewright sandbox listening on ${sb.endpoint} (seed: ${sb.seedName}${opts.data ? `, data: ${opts.data}` : ', in memory'})\n`);
  out.write(`Control API: ${sb.endpoint}/_sandbox/  (header "Authorization: Bearer ${sb.adminToken}")\n\n`);
  const org = sb.org;
  if (org)
    out.write(
      `IAM Identity Center: start URL ${sb.identityCenter.startUrl}, region ${ORG_SSO_REGION}. Device logins are approved automatically: no browser, no code to type.\n\n`,
    );
  const snippet =
    awsConfigSnippet(sb.endpoint, sb.config) +
    (org
      ? '\n' +
        orgConfigSnippet(sb.endpoint, {
          startUrl: sb.identityCenter.startUrl,
          managementAccountId: org.managementAccountId,
          managementName: org.management.name,
        })
      : '');
  const awsConfigFile = opts.awsConfig ? resolve(opts.awsConfig) : null;
  if (awsConfigFile) await writeFileAtomic(awsConfigFile, snippet);
  else {
    out.write('# Paste into ~/.aws/config, or save to a file and set AWS_CONFIG_FILE to it (or use --aws-config FILE):\n\n');
    out.write(snippet);
  }
  // Older CLIs need the endpoint another way; keep the files with --data, else in a temp dir removed on exit.
  const dataRoot = opts.data ?? mkdtempSync(join(tmpdir(), 'pipewright-sandbox-'));
  const dataPath = writeAwsDataPath(join(dataRoot, 'aws-data'), sb.endpoint);
  if (!opts.data) sb.onStop(() => rmSync(dataRoot, { recursive: true, force: true }));
  if (awsConfigFile)
    out.write(
      `# The sandbox's profiles are in ${awsConfigFile}. Use them (AWS_DATA_PATH points AWS CLI before 2.13, such as Debian 12's 2.9, at the sandbox):\n`,
    );
  else out.write('\n# AWS CLI before 2.13 (Debian 12 ships 2.9) ignores endpoint_url; point it at the sandbox with:\n');
  if (awsConfigFile) out.write(`export AWS_CONFIG_FILE=${shellQuote(awsConfigFile)}\n`);
  out.write(`export AWS_DATA_PATH=${shellQuote(dataPath)}\n`);
  if (org)
    out.write(
      `\n# The organization: aws sso login --sso-session ${ORG_SSO_SESSION} --no-browser, then aws --profile ${org.management.name} organizations list-accounts\n`,
    );
  out.write('\n# Try: aws --profile sandbox-dev codepipeline list-pipelines\n');
  return sb;
}
