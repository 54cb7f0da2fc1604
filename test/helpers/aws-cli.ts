// Debian's AWS CLI (/usr/bin/aws, 2.9) against `pipewright sandbox`, configured only
// by the config snippet and the AWS_DATA_PATH export the command prints: an
// independent client, so the sandbox is judged by a second implementation of AWS.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCli, type RunningCli } from './cli';

const run = promisify(execFile);
const AWS = '/usr/bin/aws';

export interface AwsCliSandbox {
  cli: RunningCli;
  /** A temporary folder for the test's files (removed by stop()). */
  dir: string;
  env: Record<string, string>;
  /** `aws --profile PROFILE --output json ARGS…`: its JSON (or text) output; throws when it fails. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- CLI JSON output, asserted field by field
  aws(profile: string, ...args: string[]): Promise<any>;
  /** A command expected to fail: its exit code and what it printed on stderr. */
  awsFails(profile: string, ...args: string[]): Promise<{ code: number; stderr: string }>;
  /** The sandbox's control API (`/_sandbox/PATH`), with its token. */
  control(method: string, path: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts `pipewright sandbox ARGS` (default: an empty world, fast time) and a configured CLI for it. */
export async function awsCliSandbox(
  name: string,
  args: string[] = ['--seed', 'empty', '--time-scale', '0.005'],
  env: Record<string, string> = {},
): Promise<AwsCliSandbox> {
  if (!existsSync(AWS)) throw new Error("Debian's AWS CLI is missing: apt-get install awscli (.ci/run installs it).");
  const dir = mkdtempSync(join(tmpdir(), `pw-awscli-${name}-`));
  const cli = startCli(['sandbox', ...args]);
  await cli.waitFor(/Try: aws/);
  const out = cli.output();
  writeFileSync(join(dir, 'config'), out.slice(out.indexOf('[profile'), out.indexOf('# Try:')));
  const fullEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_PAGER: '',
    AWS_RETRY_MODE: 'standard',
    // Debian's CLI is 2.9, which predates endpoint_url in config files: use the printed data path.
    AWS_DATA_PATH: /export AWS_DATA_PATH=(\S+)/.exec(out)![1],
    ...env,
  };
  const argv = (profile: string, args: string[]) => ['--profile', profile, '--output', 'json', ...args];
  const control = /Control API: (\S+)\/_sandbox\/\s+\(header "Authorization: Bearer (\w+)"\)/.exec(out);
  return {
    cli,
    dir,
    env: fullEnv,
    async aws(profile, ...args) {
      const { stdout } = await run(AWS, argv(profile, args), { env: fullEnv, timeout: 60_000 });
      const text = stdout.trim();
      return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
    },
    async awsFails(profile, ...args) {
      try {
        await run(AWS, argv(profile, args), { env: fullEnv, timeout: 60_000 });
      } catch (e) {
        const x = e as { code: number; stderr: string };
        return { code: x.code, stderr: x.stderr };
      }
      throw new Error(`aws ${args.join(' ')} succeeded`);
    },
    async control(method, path) {
      if (!control) throw new Error('The sandbox printed no control API line.');
      const res = await fetch(`${control[1]}/_sandbox/${path}`, { method, headers: { authorization: `Bearer ${control[2]}` } });
      return (await res.json()) as Record<string, unknown>;
    },
    async stop() {
      await cli.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
