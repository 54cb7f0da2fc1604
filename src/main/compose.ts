// The services, composed in one place for the app (app-core.ts), the CLI
// (cli-services.ts) and the tests (test/helpers/services.ts): each builds the
// same graph, and differs only in where settings and events come from.
import type { Settings } from '../shared/api/settings';
import { EventHub } from './rpc/event-hub';
import { AccountsService } from './accounts';
import { ArtifactsService, type Blocklists } from './artifacts';
import { DesignsService } from './designer';
import { EventCoverage, EventsService } from './events';
import { DEFAULT_BUDGET, ExecutionsService, type ExecutionsOptions } from './executions';
import { CallBudget } from './aws/call-budget';
import { PipelinesService } from './explorer';
import type { SandboxService } from './app';
import { ReleasesService, ReleaseStore, type ReleasesOptions } from './releases';
import { OrgService } from './org';

export interface ServiceSources {
  /** The user-data directory (audit log, checkpoints). */
  home: string;
  /** The settings as they are now. */
  settings: () => Settings;
  /** The blocklists as they are at the moment of a deletion (the CLI reads its settings file again). */
  blocklists?: () => Promise<Blocklists>;
  sandbox: SandboxService;
  /** Where events go (the app's hub; the CLI has no listener). */
  hub?: EventHub;
  /** The executions' call budget and watch intervals (tests and benchmarks tune them). */
  executions?: ExecutionsOptions;
  /**
   * How often a promotion looks at its executions (tests shorten it), who holds a promotion as others are told, and
   * a shared release's lease ttl (tests shorten it).
   */
  releases?: ReleasesOptions;
}

export function composeServices(src: ServiceSources) {
  const accounts = new AccountsService(src.hub ?? new EventHub(), src.settings, src.sandbox);
  // One call budget per (account, region): the watchers wait on it, the explorer's listing counts against it.
  const budget = new CallBudget(src.executions?.budget ?? DEFAULT_BUDGET);
  const pipelines = new PipelinesService(accounts, budget);
  const designs = new DesignsService(accounts);
  const artifacts = new ArtifactsService(accounts, pipelines, src.home, {
    blocklists: src.blocklists ?? (() => Promise.resolve(src.settings().artifacts)),
    productionMarks: () => src.settings().accounts,
  });
  const liveUpdates = new EventsService(accounts, src.home, { productionMarks: () => src.settings().accounts });
  // The watchers leave to events what the live-updates setup covers; the rest is polled as before.
  const coverage = new EventCoverage(liveUpdates, accounts, src.executions?.events);
  const executions = new ExecutionsService(accounts, {
    ...src.executions,
    sharedBudget: budget,
    productionMarks: () => src.settings().accounts,
    eventFeed: coverage,
  });
  const releases = new ReleasesService(accounts, executions, new ReleaseStore(src.home), src.releases);
  // The organization's accounts and roles (IAM Identity Center, Organizations), kept in the same home.
  const org = new OrgService(accounts, src.home);
  let disposed = false;
  return {
    accounts,
    pipelines,
    designs,
    artifacts,
    executions,
    releases,
    liveUpdates,
    coverage,
    org,
    /**
     * Stops what the services hold open (watchers and their timers, pending MFA
     * prompts): the app, the CLI and the tests end the same way. Safe to call twice.
     * Resolves once the hub queues' readers have stopped and released their leases, so a
     * process that exits next leaves no lease behind for the next one to take over.
     */
    dispose(): Promise<void> {
      if (disposed) return Promise.resolve();
      disposed = true;
      executions.close();
      org.dispose();
      const readers = coverage.dispose().catch(() => undefined);
      accounts.close();
      return readers;
    },
  };
}

export type Services = ReturnType<typeof composeServices>;
