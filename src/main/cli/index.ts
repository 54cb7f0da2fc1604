// The `pipewright` command: the same services as the app, from a terminal.
// Runs in plain Node; never imports 'electron'.
import { Command, InvalidArgumentError, Option } from 'commander';
import pkg from '../../../package.json';
import { runSandboxCommand } from './sandbox-command';
import { runWebCommand } from './web-command';
import { runPipelinesList } from './pipelines-command';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}

function untilSignal(close: () => Promise<void>): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    void close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function buildProgram(): Command {
  const program = new Command('pipewright')
    .description('Release manager for AWS CodePipeline: design, watch, audit and clean, across accounts and regions.')
    .version(pkg.version, '-v, --version')
    .showHelpAfterError();

  program
    .command('web')
    .description('Start Pipewright in browser mode on 127.0.0.1 and print its URL')
    .option('--port <n>', 'port to listen on (default: a random free port)', port)
    .option('--no-open', 'do not open the default browser')
    .option('--sandbox', 'start the local AWS sandbox with demo data, even if AWS profiles exist', false)
    .addOption(new Option('--sandbox-time-scale <x>', 'scale simulated action durations (tests)').argParser(Number).hideHelp())
    .addOption(new Option('--sandbox-port <n>', 'fixed port for the embedded sandbox (tests)').argParser(port).hideHelp())
    .addOption(new Option('--sandbox-admin-token <token>', 'fixed admin token for the embedded sandbox (tests)').hideHelp())
    .addOption(new Option('--reason <text>', 'a line explaining why browser mode was chosen').hideHelp())
    .action(async (o: { port?: number; open: boolean; sandbox: boolean; sandboxTimeScale?: number; sandboxPort?: number; sandboxAdminToken?: string; reason?: string }) => {
      const app = await runWebCommand({ ...o, version: pkg.version });
      untilSignal(app.close);
    });

  program
    .command('sandbox')
    .description('Run the local AWS sandbox (CodePipeline, S3, STS) alone and print an AWS config snippet')
    .option('--port <n>', 'port to listen on (default: a random free port)', port)
    .addOption(new Option('--seed <name>', 'initial data').choices(['demo', 'empty']).default('demo'))
    .option('--data <dir>', 'keep state in this directory across restarts')
    .addOption(new Option('--admin-token <token>', 'fixed admin token for the control API').hideHelp())
    .addOption(new Option('--time-scale <x>', 'scale simulated action durations (0.01: a 3 s action takes 30 ms)').argParser(Number))
    .option('--config <file>', 'sandbox configuration (JSON: accounts, regions, roles, durations, …; see docs/sandbox.md)')
    .action(async (o: { port?: number; seed: 'demo' | 'empty'; data?: string; adminToken?: string; timeScale?: number; config?: string }) => {
      const sb = await runSandboxCommand(o);
      untilSignal(() => sb.stop());
    });

  const collect = (value: string, previous: string[]) => [...previous, value];
  const pipelines = program.command('pipelines').description('Pipelines across profiles and regions');
  pipelines
    .command('list')
    .description('List every pipeline with its latest execution, across profiles and regions')
    .option('--profile <name>', 'a profile to include (repeatable; default: AWS_PROFILE, else every profile)', collect, [])
    .option('--region <code>', 'a region to include (repeatable; default: each profile\'s region)', collect, [])
    .option('--all-regions', 'every commercial region where CodePipeline exists', false)
    .option('--json', 'JSON: one object per pipeline, plus an errors array', false)
    .action(async (o: { profile: string[]; region: string[]; allRegions: boolean; json: boolean }) => {
      process.exitCode = await runPipelinesList(o);
    });

  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(`pipewright: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
