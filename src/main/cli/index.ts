// The `pipewright` command: the same services as the app, from a terminal.
// Runs in plain Node; never imports 'electron'.
import { Command, InvalidArgumentError, Option } from 'commander';
import pkg from '../../../package.json';
import { EXIT } from './exit-codes';
import { terminalText } from '../../shared/terminal-text';
import { SEED_NAMES, type SeedName } from '../../sandbox/sandbox-core';
// Each command's module is loaded when that command runs: `--version`, `--help`
// and a small command do not pay for the SDK and every service.
const commands = {
  sandbox: () => import('./sandbox-command'),
  web: () => import('./web-command'),
  pipelines: () => import('./pipelines-command'),
  artifacts: () => import('./artifacts-command'),
  executions: () => import('./executions-command'),
  release: () => import('./release-command'),
  design: () => import('./design-command'),
  events: () => import('./events-command'),
  org: () => import('./org-command'),
};

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}

function graceMs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 3_600_000) throw new InvalidArgumentError('a grace period is a whole number of milliseconds up to an hour');
  return n;
}

function untilSignal(close: () => Promise<void>): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    void close().finally(() => process.exit(EXIT.ok));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function buildProgram(): Command {
  const program = new Command('pipewright')
    .description('Release manager for AWS CodePipeline: design, watch, audit and clean, across accounts and regions.')
    .version(pkg.version, '-v, --version')
    .showHelpAfterError()
    // A flag commander refuses (unknown, missing, a value its parser rejects) is bad input: exit 2, as the
    // README's table says, not commander's 1, which scripts read as "it ran and failed". Inherited by every
    // command added below; help and --version keep their 0.
    .exitOverride((err) => process.exit(err.exitCode === EXIT.ok ? EXIT.ok : EXIT.usage));
  // Every command that takes --region, --status or --revision has them checked here, before any call:
  // a value nobody could mean is refused (exit 2) rather than read as "nothing found there" or ignored.
  // (Loaded only for a command with one of them: a small command reads no AWS config.)
  program.hook('preAction', async (_program, command) => {
    const o = command.opts();
    if (o.region !== undefined || o.status !== undefined || o.revision !== undefined) await (await import('./input-checks')).checkFlags(command);
  });

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
    .addOption(new Option('--session-grace-ms <ms>', 'how long a page that lost its connection keeps its session (tests)').argParser(graceMs).hideHelp())
    .action(
      async (o: {
        port?: number;
        open: boolean;
        sandbox: boolean;
        sandboxTimeScale?: number;
        sandboxPort?: number;
        sandboxAdminToken?: string;
        reason?: string;
        sessionGraceMs?: number;
      }) => {
        const app = await (await commands.web()).runWebCommand({ ...o, version: pkg.version });
        untilSignal(() => app.close());
      },
    );

  program
    .command('sandbox')
    .description('Run the local AWS sandbox (CodePipeline, S3, STS, Organizations, Identity Center, …) alone and print an AWS config snippet')
    .option('--port <n>', 'port to listen on (default: a random free port)', port)
    .addOption(
      new Option('--seed <name>', 'initial data (org: 300 accounts behind IAM Identity Center and AWS Organizations)').choices(SEED_NAMES).default('demo'),
    )
    .option('--data <dir>', 'keep state in this directory across restarts')
    .addOption(new Option('--admin-token <token>', 'fixed admin token for the control API').hideHelp())
    .addOption(new Option('--time-scale <x>', 'scale simulated action durations (0.01: a 3 s action takes 30 ms)').argParser(Number))
    .option('--config <file>', 'sandbox configuration (JSON: accounts, regions, roles, durations, …; see docs/sandbox.md)')
    .option('--aws-config <file>', "write the sandbox's AWS profiles to this file and print the export lines that use it")
    .action(async (o: { port?: number; seed: SeedName; data?: string; adminToken?: string; timeScale?: number; config?: string; awsConfig?: string }) => {
      const sb = await (await commands.sandbox()).runSandboxCommand(o);
      untilSignal(() => sb.stop());
    });

  const collect = (value: string, previous: string[]) => [...previous, value];
  const pipelines = program.command('pipelines').description('Pipelines across profiles and regions');
  pipelines
    .command('list')
    .description('List every pipeline with its latest execution, across profiles and regions')
    .option('--profile <name>', 'a profile to include (repeatable; default: AWS_PROFILE, else every profile)', collect, [])
    .option('--region <code>', "a region to include (repeatable; default: each profile's region)", collect, [])
    .option('--all-regions', 'every commercial region where CodePipeline exists', false)
    .option('--json', 'JSON: one object per pipeline, plus an errors array', false)
    .action(async (o: { profile: string[]; region: string[]; allRegions: boolean; json: boolean }) => {
      process.exitCode = await (await commands.pipelines()).runPipelinesList(o);
    });

  pipelines
    .command('export <name>')
    .description('Export a live pipeline as CloudFormation or CLI JSON')
    .requiredOption('--profile <name>', 'profile')
    .requiredOption('--region <code>', 'region')
    .requiredOption('--format <format>', 'cfn-yaml, cfn-json or cli-json')
    .option('--out <file>', 'write here instead of standard output')
    .action(async (name: string, o: { profile: string; region: string; format: string; out?: string }) => {
      process.exitCode = await (await commands.design()).runPipelinesExport(name, o);
    });

  const artifacts = program.command('artifacts').description('Artifact buckets: audit, plan and clean up');
  artifacts
    .command('audit')
    .description(
      'Audit every artifact bucket of the profiles: classes, counts, bytes and cost (pipelines are read in every region; exit 4 when coverage is incomplete)',
    )
    .option('--profile <name>', 'a profile to include (repeatable)', collect, [])
    .option('--region <code>', 'a region to include (repeatable)', collect, [])
    .option('--all-regions', 'every commercial region where CodePipeline exists', false)
    .option('--json', 'print the report as JSON', false)
    .option('--out <file>', 'write the JSON report here')
    .action(async (o: { profile: string[]; region: string[]; allRegions: boolean; json: boolean; out?: string }) => {
      process.exitCode = await (await commands.artifacts()).runArtifactsAudit(o);
    });
  artifacts
    .command('plan')
    .description('Write a cleanup plan from an audit report')
    .requiredOption('--from <report.json>', 'the audit report')
    .option('--include <classes>', 'orphan, stale and/or retention, comma-separated', 'orphan')
    .option('--older-than <age>', 'only orphan prefixes and stale folders older than this, like 30d')
    .option('--keep-last <n>', 'retention: successful executions to keep per live pipeline (default 3, at most 10)')
    .option('--keep-days <n>', 'retention: keep everything younger than this many days (default 30)')
    .option('--allow-incomplete', 'plan from a report whose coverage is incomplete (unverified prefixes are still never planned)', false)
    .requiredOption('--out <plan.json>', 'the plan to write')
    .action(async (o: { from: string; include: string; olderThan?: string; keepLast?: string; keepDays?: string; allowIncomplete: boolean; out: string }) => {
      process.exitCode = await (await commands.artifacts()).runArtifactsPlan(o);
    });
  artifacts
    .command('clean')
    .description('Execute a plan: a dry run unless --yes')
    .requiredOption('--plan <plan.json>', 'the plan')
    .option('--report <report.json>', 'the audit the plan came from: the plan is refused if it reaches outside it')
    .option('--yes', 'delete for real', false)
    .option('--confirm-account <id>', 'confirm an account of the plan, by id or its alias as read now (repeatable; required with --yes)', collect, [])
    .option(
      '--confirm-prod <word>',
      'confirm again an account that is production (its alias, or the profile whose name says so) or may be (its account id, where nothing can tell)',
      collect,
      [],
    )
    .action(async (o: { plan: string; report?: string; yes: boolean; confirmAccount: string[]; confirmProd: string[] }) => {
      process.exitCode = await (await commands.artifacts()).runArtifactsClean(o);
    });

  const design = program.command('design').description('Pipeline designs (*.pipewright.json)');
  design
    .command('validate <file>')
    .description('Check a design against the service rules; exit 1 on errors')
    .action(async (file: string) => {
      process.exitCode = await (await commands.design()).runDesignValidate(file);
    });
  design
    .command('export <file>')
    .description("Export a design as CloudFormation (YAML or JSON) or the CLI's JSON")
    .requiredOption('--format <format>', 'cfn-yaml, cfn-json or cli-json')
    .option('--out <file>', 'write here instead of standard output')
    .option('--parameterize', 'role ARN, artifact buckets and connection ARNs become template Parameters', false)
    .option('--add-artifact-bucket', 'add an encrypted, versioned artifact bucket with a lifecycle rule', false)
    .option('--add-service-role', 'add a least-privilege service role derived from the actions', false)
    .action(async (file: string, o: { format: string; out?: string; parameterize: boolean; addArtifactBucket: boolean; addServiceRole: boolean }) => {
      process.exitCode = await (await commands.design()).runDesignExport(file, o);
    });
  design
    .command('import')
    .description('Make a design file from get-pipeline JSON or a CloudFormation template')
    .option('--from-cli-json <file>', 'output of aws codepipeline get-pipeline')
    .option('--from-cfn <file>', 'a CloudFormation template (YAML or JSON)')
    .option('--resource <logicalId>', 'which pipeline, when the template has several')
    .requiredOption('--out <file>', 'the design file to write')
    .action(async (o: { fromCliJson?: string; fromCfn?: string; resource?: string; out: string }) => {
      process.exitCode = await (await commands.design()).runDesignImport(o);
    });
  design
    .command('deploy <file>')
    .description('Show the diff against the live pipeline; with --yes, create or update it')
    .requiredOption('--profile <name>', 'profile')
    .requiredOption('--region <code>', 'region')
    .option('--yes', 'deploy after showing the diff', false)
    .action(async (file: string, o: { profile: string; region: string; yes: boolean }) => {
      process.exitCode = await (await commands.design()).runDesignDeploy(file, o);
    });

  const executions = program.command('executions').description('Pipeline executions: history, watch, start, stop, retry');
  const where = (c: Command) => c.requiredOption('--profile <name>', 'profile').requiredOption('--region <code>', 'region');
  const limit = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('a whole number from 1 to 1000');
    return n;
  };
  where(executions.command('list <name>').description("A pipeline's executions, newest first"))
    .option('--status <status>', 'only executions with this status (Succeeded, Failed, InProgress, Stopped, Superseded…)')
    .option('--limit <n>', 'at most this many', limit, 25)
    .option('--json', 'JSON', false)
    .action(async (name: string, o: { profile: string; region: string; status?: string; limit: number; json: boolean }) => {
      process.exitCode = await (await commands.executions()).runExecutionsList(name, o);
    });
  where(executions.command('show <name> <executionId>').description('One execution: its stages, actions with status and errors, and the timeline'))
    .option('--json', 'JSON', false)
    .action(async (name: string, id: string, o: { profile: string; region: string; json: boolean }) => {
      process.exitCode = await (await commands.executions()).runExecutionsShow(name, id, o);
    });
  where(executions.command('watch <name>').description('Watch an execution live; exits 0 when it succeeds, 1 when it fails, is stopped or superseded'))
    .option('--execution <id>', "the execution to follow (default: the latest); exit 2 when it is not one of the pipeline's")
    .action(async (name: string, o: { profile: string; region: string; execution?: string }) => {
      process.exitCode = await (await commands.executions()).runExecutionsWatch(name, o);
    });
  where(executions.command('start <name>').description('Release a change; prints the execution id'))
    .option('--variable <name=value>', 'a V2 pipeline variable (repeatable)', collect, [])
    .option(
      '--source-revision <action=TYPE:value>',
      'pin a source action to a revision: COMMIT_ID, IMAGE_DIGEST, S3_OBJECT_VERSION_ID or S3_OBJECT_KEY (repeatable)',
      collect,
      [],
    )
    .option('--json', 'JSON', false)
    .action(async (name: string, o: { profile: string; region: string; variable: string[]; sourceRevision: string[]; json: boolean }) => {
      process.exitCode = await (await commands.executions()).runExecutionsStart(name, o);
    });
  where(executions.command('stop <name> <executionId>').description('Stop an execution: let running actions finish, or --abandon them'))
    .requiredOption('--reason <text>', 'why (at most 200 characters)')
    .option('--abandon', 'abandon the actions in progress', false)
    .option('--confirm-prod <word>', 'in a production account, its word typed again (the alias or profile; the account id where production is unknown)')
    .action(async (name: string, id: string, o: { profile: string; region: string; reason: string; abandon: boolean }) => {
      process.exitCode = await (await commands.executions()).runExecutionsStop(name, id, o);
    });
  where(executions.command('retry <name> <executionId>').description('Retry a failed stage'))
    .requiredOption('--stage <name>', 'the stage')
    .option('--all-actions', 'retry every action of the stage, not only the failed ones', false)
    .action(async (name: string, id: string, o: { profile: string; region: string; stage: string; allActions: boolean }) => {
      process.exitCode = await (await commands.executions()).runExecutionsRetry(name, id, o);
    });

  const approvals = program.command('approvals').description('Manual approvals waiting across profiles and regions');
  approvals
    .command('list')
    .description('Every approval waiting; exits 4 when some target could not be read (the list may be incomplete)')
    .option('--profile <name>', 'a profile to include (repeatable)', collect, [])
    .option('--region <code>', 'a region to include (repeatable)', collect, [])
    .option('--all-regions', 'every commercial region where CodePipeline exists', false)
    .option('--json', 'JSON', false)
    .option(
      '--watch',
      'then follow the pipelines (from events where live updates are set up) and print each approval that starts or stops waiting, until Ctrl-C',
      false,
    )
    .action(async (o: { profile: string[]; region: string[]; allRegions: boolean; json: boolean; watch: boolean }) => {
      process.exitCode = await (await commands.executions()).runApprovalsList(o);
    });
  for (const [verb, status] of [
    ['approve', 'Approved'],
    ['reject', 'Rejected'],
  ] as const)
    where(
      approvals.command(`${verb} <name>`).description(`${verb === 'approve' ? 'Approve' : 'Reject'} a waiting approval; without --yes it shows it and asks`),
    )
      .requiredOption('--stage <name>', 'the stage')
      .requiredOption('--action <name>', 'the approval action')
      .requiredOption('--summary <text>', 'what you checked (at most 512 characters)')
      .option('--yes', 'answer without asking', false)
      .option('--confirm-prod <word>', 'in a production account, its word typed again (the alias or profile; the account id where production is unknown)')
      .action(
        async (name: string, o: { profile: string; region: string; stage: string; action: string; summary: string; yes: boolean; confirmProd?: string }) => {
          process.exitCode = await (await commands.executions()).runApprovalsAnswer(status, name, o);
        },
      );

  const transitions = program.command('transitions').description('Stage transitions');
  for (const verb of ['enable', 'disable'] as const)
    where(transitions.command(`${verb} <name>`).description(`${verb === 'enable' ? 'Enable' : 'Disable'} a stage transition`))
      .requiredOption('--stage <name>', 'the stage')
      .addOption(new Option('--type <type>', 'inbound or outbound').choices(['inbound', 'outbound']).makeOptionMandatory())
      .option('--reason <text>', 'why (required to disable)')
      .action(async (name: string, o: { profile: string; region: string; stage: string; type: 'inbound' | 'outbound'; reason?: string }) => {
        process.exitCode = await (await commands.executions()).runTransitions(verb === 'enable', name, o);
      });

  const release = program
    .command('release')
    .description(
      'Multi-account releases: which revision runs where, promotion in waves, drift; a release is a FILE (this machine) or shared in S3 by its URL (exit codes: docs/releases.md)',
    );
  const stateProfile = (c: Command) =>
    c.option(
      '--state-profile <profile>',
      'a release shared in S3: the profile to read and write it with (default: the first workspace profile that can read it)',
    );
  stateProfile(
    release
      .command('init <file>')
      .description(
        'Write a release file from live pipelines (each checked, its account written down); waves follow the --env order. An s3://bucket/prefix/release.yaml creates a shared release there',
      )
      .requiredOption('--application <name>', 'the application')
      .option('--env <name=profile:region:pipeline,...>', 'an environment and its targets (repeatable, in wave order)', collect, [])
      .option('--force', 'replace the file if it exists', false),
  ).action(async (file: string, o: { application: string; env: string[]; force: boolean; stateProfile?: string }) => {
    process.exitCode = await (await commands.release()).runReleaseInit(file, o);
  });
  stateProfile(
    release
      .command('status <file-or-url>')
      .description(
        "The matrix: each target with its deployed revision, execution status and waiting approvals (and who holds a shared release's leases); exit 4 when a target could not be read",
      )
      .option('--json', 'JSON', false),
  ).action(async (file: string, o: { json: boolean; stateProfile?: string }) => {
    process.exitCode = await (await commands.release()).runReleaseStatus(file, o);
  });
  stateProfile(
    release
      .command('promote <file-or-url>')
      .description(
        "Start an environment's pipelines pinned to the previous wave's revision and follow them; exit 0 succeeded, 1 failed, 3 stopped at a gate, 6 leased by someone else (shared)",
      )
      .requiredOption('--to <env>', 'the environment to promote')
      .option('--revision <rev>', "a revision to pin instead of the previous environment's")
      .option('--approve', "approve the promotion's manual approvals (older runs holding a stage are rejected)", false)
      .option('--confirm-prod <name>', "a production environment's name, typed again, to approve there")
      .option('--yes', 'confirm the promotion (a manualConfirmation gate needs it)', false)
      .option('--allow-unpinned', 'start sources that cannot be pinned on their latest revision', false)
      .option('--json', 'JSON (the promotion) on standard output; progress on standard error', false),
  ).action(
    async (
      file: string,
      o: { to: string; revision?: string; approve: boolean; confirmProd?: string; yes: boolean; allowUnpinned: boolean; json: boolean; stateProfile?: string },
    ) => {
      process.exitCode = await (await commands.release()).runReleasePromote(file, o);
    },
  );
  stateProfile(
    release
      .command('diff <file-or-url>')
      .description("The structural drift between two environments' pipelines (account-specific values normalised); exit 0 none, 5 drift")
      .requiredOption('--from <env>', 'the environment to compare from')
      .requiredOption('--to <env>', 'the environment to compare to')
      .option('--json', 'JSON', false),
  ).action(async (file: string, o: { from: string; to: string; json: boolean; stateProfile?: string }) => {
    process.exitCode = await (await commands.release()).runReleaseDiff(file, o);
  });
  stateProfile(
    release
      .command('share <file>')
      .description(
        'Move a release from this machine to S3 with its history (promotions and log); a location holding another release is refused, nothing written',
      )
      .requiredOption('--to <url>', 's3://bucket/prefix/'),
  ).action(async (file: string, o: { to: string; stateProfile?: string }) => {
    process.exitCode = await (await commands.release()).runReleaseShare(file, o);
  });
  const lease = release.command('lease').description("A shared release's environment leases: who is promoting it, since when");
  stateProfile(
    lease
      .command('show <url>')
      .description("Who holds the environment's lease, since when, and whether it is held, expired or released")
      .requiredOption('--env <env>', 'the environment')
      .option('--json', 'JSON', false),
  ).action(async (url: string, o: { env: string; json: boolean; stateProfile?: string }) => {
    process.exitCode = await (await commands.release()).runReleaseLeaseShow(url, o);
  });
  stateProfile(
    lease
      .command('release <url>')
      .description('Mark an expired lease released; a held one only with --force naming its holder (logged); exit 6 when held and not forced')
      .requiredOption('--env <env>', 'the environment')
      .option('--force <holder-arn>', "break a lease still held: its holder's ARN, as lease show prints it"),
  ).action(async (url: string, o: { env: string; force?: string; stateProfile?: string }) => {
    process.exitCode = await (await commands.release()).runReleaseLeaseRelease(url, o);
  });
  release
    .command('policy [url]')
    .description('The least IAM policy on the location for each role: reader, releaser (conditional writes only), administrator')
    .option('--role <role>', 'one role alone, as plain JSON: reader, releaser or administrator')
    .action(async (url: string | undefined, o: { role?: string }) => {
      process.exitCode = await (await commands.release()).runReleasePolicy(url, o);
    });

  const events = program.command('events').description("Live updates: CodePipeline's events through EventBridge to an SQS queue, instead of polling");
  events
    .command('setup')
    .description('Print what the setup creates in each account and region, then create it (--yes or a typed yes), or write it as CloudFormation')
    .requiredOption('--profile <name>', 'the watched account, by its profile')
    .requiredOption('--region <code>', 'a watched region (repeatable)', collect, [])
    .option('--hub-profile <name>', "the hub account's profile (default: --profile)")
    .option('--hub-region <code>', 'one hub region for all (default: each watched region is its own)')
    .option('--yes', 'create without asking', false)
    .option(
      '--confirm-prod <word>',
      "a production account's word, typed again (the alias or profile; the account id where production is unknown; repeatable)",
      collect,
      [],
    )
    .option('--template-out <file>', 'write the member template here and the hub template beside it (FILE-hub.yaml); create nothing')
    .action(
      async (o: { profile: string; region: string[]; hubProfile?: string; hubRegion?: string; yes: boolean; confirmProd: string[]; templateOut?: string }) => {
        process.exitCode = await (await commands.events()).runEventsSetup(o);
      },
    );
  events
    .command('status')
    .description('Per target: event-driven, polled (not set up, or not permitted) or degraded, and why; exit 4 when a target could not be read')
    .option('--json', 'JSON', false)
    .action(async (o: { json: boolean }) => {
      process.exitCode = await (await commands.events()).runEventsStatus(o);
    });
  events
    .command('test')
    .description("Put a test event on the target's default bus and receive it from the hub's queue; exit 0 when it arrived, 1 when not")
    .requiredOption('--profile <name>', 'profile')
    .requiredOption('--region <code>', 'region')
    .action(async (o: { profile: string; region: string }) => {
      process.exitCode = await (await commands.events()).runEventsTest(o);
    });
  events
    .command('remove')
    .description('Print what the setup created for these targets (by name and tag), then delete it (--yes or a typed yes)')
    .requiredOption('--profile <name>', 'profile')
    .requiredOption('--region <code>', 'a region (repeatable)', collect, [])
    .option('--yes', 'delete without asking', false)
    .option(
      '--confirm-prod <word>',
      "a production account's word, typed again (the alias or profile; the account id where production is unknown; repeatable)",
      collect,
      [],
    )
    .action(async (o: { profile: string; region: string[]; yes: boolean; confirmProd: string[] }) => {
      process.exitCode = await (await commands.events()).runEventsRemove(o);
    });

  const org = program
    .command('org')
    .description('An organization as a source of accounts: IAM Identity Center (accounts and roles) and AWS Organizations (names, states, OUs)');
  org
    .command('connect')
    .description(
      "Connect IAM Identity Center (an sso-session of your AWS config, or a start URL and region) and/or AWS Organizations, then discover; the AWS CLI's cached token is used when it will do (exit 4 when the discovery was incomplete)",
    )
    .option('--sso-start-url <url>', "IAM Identity Center's start URL (with --sso-region)")
    .option('--sso-region <region>', "IAM Identity Center's region")
    .option('--name <name>', 'the sso-session name for a start URL (default: from the URL)')
    .option('--sso-session <name>', 'an [sso-session NAME] of your AWS config')
    .option(
      '--organizations-profile <profile>',
      'read AWS Organizations (names, State, OU paths) with this profile: the management account or a delegated administrator',
    )
    .action(async (o: { ssoStartUrl?: string; ssoRegion?: string; name?: string; ssoSession?: string; organizationsProfile?: string }) => {
      process.exitCode = await (await commands.org()).runOrgConnect(o);
    });
  org
    .command('accounts')
    .description('Every account: id, name, state, OU path, roles, and why when no role is usable (exit 4 when the discovery was incomplete)')
    .option('--json', 'JSON', false)
    .option('--refresh', 'discover again now (default: the last discovery, or a new one when there is none) and say what changed', false)
    .action(async (o: { json: boolean; refresh: boolean }) => {
      process.exitCode = await (await commands.org()).runOrgAccounts(o);
    });
  org
    .command('export-profiles')
    .description(
      "Write the discovered accounts as {AccountName}/{RoleName} profiles into your AWS config, inside Pipewright's marked block, after a preview and a diff (your other sections are never touched)",
    )
    .option('--out <file>', 'write into this file instead of the AWS config file')
    .option('--yes', 'write without asking', false)
    .option('--remove', "take Pipewright's block out again", false)
    .action(async (o: { out?: string; yes: boolean; remove: boolean }) => {
      process.exitCode = await (await commands.org()).runOrgExportProfiles(o);
    });

  return program;
}

// A reader that stops reading (`pipewright … | head`) closes the pipe: the rest of the output has nowhere to go,
// and that is no failure of the command. Without this the write's EPIPE is thrown outside any command.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });

buildProgram()
  .parseAsync(process.argv)
  .catch(async (err: unknown) => {
    // An error's message may be AWS's own text: shown, never obeyed.
    console.error(`pipewright: ${terminalText(err instanceof Error ? err.message : String(err))}`);
    // Bad input (2) or a failure (1), by one rule for every command (loaded here: --help never needs it).
    process.exit(
      await import('./error-exit').then(
        (m) => m.exitCodeFor(err),
        () => EXIT.failed,
      ),
    );
  });
