// Runs the embedded sandbox in-process: on with --sandbox, or when no AWS
// profile exists and settings allow it. Its accounts are offered as profiles
// sandbox-dev, sandbox-staging and sandbox-prod (the accounts issue wires them in).
import type { SandboxStatus } from '../../shared/api/contract';
import { Sandbox } from '../../sandbox/sandbox';
import type { SeedName } from '../../sandbox/seed';

export class SandboxService {
  private sandbox?: Sandbox;
  private listeners: Array<(s: SandboxStatus) => void> = [];

  constructor(private readonly opts: { dataDir?: string; timeScale?: number; port?: number; adminToken?: string; log?: (line: string) => void } = {}) {}

  get instance(): Sandbox | undefined {
    return this.sandbox;
  }

  onChange(listener: (s: SandboxStatus) => void): void {
    this.listeners.push(listener);
  }

  private emit(): void {
    const s = this.status();
    for (const l of this.listeners) l(s);
  }

  async start(seed: SeedName = 'demo'): Promise<SandboxStatus> {
    if (!this.sandbox) {
      this.sandbox = await Sandbox.start({
        seed,
        dataDir: this.opts.dataDir,
        port: this.opts.port,
        adminToken: this.opts.adminToken,
        config: this.opts.timeScale === undefined ? undefined : { timeScale: this.opts.timeScale },
        log: this.opts.log,
      });
      this.emit();
    }
    return this.status();
  }

  async stop(): Promise<void> {
    const sb = this.sandbox;
    this.sandbox = undefined;
    await sb?.stop();
    this.emit();
  }

  async reseed(seed: SeedName, signal: AbortSignal, progress: (done: number, total: number, message: string) => void): Promise<void> {
    if (!this.sandbox) await this.start(seed);
    else {
      progress(0, 2, 'Clearing sandbox state');
      if (signal.aborted) return;
      progress(1, 2, `Applying the ${seed} seed`);
      await this.sandbox.reset(seed);
    }
    progress(2, 2, 'Done');
    this.emit();
  }

  status(): SandboxStatus {
    const sb = this.sandbox;
    if (!sb) return { running: false, endpoint: null, seed: null, accounts: [], regions: [], pipelineCount: 0 };
    return {
      running: true,
      endpoint: sb.endpoint,
      seed: sb.seedName,
      accounts: sb.config.accounts.map((a) => ({ id: a.id, name: a.name })),
      regions: sb.config.regions,
      pipelineCount: sb.tables.all().length,
    };
  }
}
