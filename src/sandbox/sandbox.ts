// The sandbox: one HTTP server on 127.0.0.1 that answers as CodePipeline, S3,
// STS, IAM, SQS, EventBridge and Organizations, routed by the SigV4 credential
// scope's service name, and as IAM Identity Center's portal and OIDC APIs, whose
// requests are not signed and are routed by their paths; plus a control API under
// /_sandbox/ for tests (reset, seed, faults, time scale, state and the call log).
// Real SDK clients and the AWS CLI talk to it as-is.
import { Readable } from 'node:stream';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseSandboxConfig, type SandboxConfig } from './config';
import { PipelineTables } from './services/codepipeline/records';
import { SandboxError } from './errors';
import { Executor } from './services/codepipeline/executor';
import { Faults, type FaultDecision } from './faults';
import type { ServiceRequest, ServiceResponse } from './http-types';
import { Principals } from './principals';
import { Rng } from './random';
import { S3Store } from './services/s3/store';
import { S3WriteLimiter } from './services/s3/write-limit';
import { peekScope, verifySignature } from './sigv4-verify';
import { handleControl } from './control-api';
import { regionOptStatus } from './services/account/api';
import { codePipelineService } from './services/codepipeline';
import { s3Service } from './services/s3';
import { stsService } from './services/sts';
import { iamService } from './services/iam';
import { IamRoles } from './services/iam/api';
import { accountService } from './services/account';
import { sqsService } from './services/sqs';
import { SQS_TARGET_PREFIX } from './services/sqs/protocol';
import { SqsStore } from './services/sqs/store';
import { eventsService } from './services/events';
import { EventsStore } from './services/events/store';
import { SERVICE_NAMES, type ServiceName, type ServiceSpec } from './service-spec';
import { organizationsService } from './services/organizations';
import { ORGANIZATIONS_TARGET_PREFIX } from './services/organizations/api';
import type { Organization } from './services/organizations/directory';
import { ssoService } from './services/sso';
import { portalOperation } from './services/sso/api';
import { IdentityCenter } from './services/sso/identity-center';
import { ssoOidcService } from './services/sso-oidc';
import { oidcOperation } from './services/sso-oidc/api';
import { buildOrganization } from './seed-org';
import { SnapshotStore } from './persistence';
import { CodePipelineEventLog, type RecordedEvent } from './services/codepipeline/event-log';
import type { AwsEventEnvelope } from './services/events/model';
import { seedSandbox } from './seed';
import type { CallLogEntry, SandboxCore, SeedName } from './sandbox-core';

export type { CallLogEntry, SeedName };

export interface SandboxOptions {
  port?: number;
  config?: unknown;
  seed?: SeedName;
  /** Keep state across restarts in this directory (atomic snapshots). */
  dataDir?: string;
  adminToken?: string;
  log?: (line: string) => void;
}

const MAX_LOG = 200_000;
const isServiceName = (name: string | undefined): name is ServiceName => (SERVICE_NAMES as readonly string[]).includes(name ?? '');
/** Who sent an unsigned request (Identity Center's portal and OIDC authorise it themselves). */
const ANONYMOUS = { accessKeyId: '', secretAccessKey: '', accountId: '', arn: 'anonymous', userId: 'anonymous' };

export class Sandbox implements SandboxCore {
  readonly tables = new PipelineTables();
  readonly rng: Rng;
  readonly s3: S3Store;
  /** SQS's queues; other services (EventBridge) deliver through sqs.sendAsService. */
  readonly sqs: SqsStore;
  readonly principals: Principals;
  readonly faults: Faults;
  readonly s3WriteLimit = new S3WriteLimiter();
  readonly executor: Executor;
  /** Every event the sandbox's CodePipeline emitted, for tests and the control API. */
  readonly codepipelineEventLog = new CodePipelineEventLog();
  readonly events: EventsStore;
  /** IAM's roles (the events setup's forwarding roles), per account. */
  readonly iamRoles = new IamRoles();
  readonly adminToken: string;
  /** IAM Identity Center's clients, logins, tokens and throttle (the portal and OIDC share them). */
  readonly identityCenter: IdentityCenter;
  /** The organization (the `org` seed's), or none. */
  org: Organization | null = null;
  /** Every service the sandbox answers as, behind one interface. */
  private readonly services: Record<ServiceName, ServiceSpec>;
  config: SandboxConfig;
  seedName: SeedName = 'empty';
  private server?: Server;
  private callLog: CallLogEntry[] = [];
  private seq = 0;
  private snapshots?: SnapshotStore;
  private readonly log: (line: string) => void;
  private changeListeners: Array<() => void> = [];
  private stopListeners: Array<() => void> = [];
  /** Requests being answered: stopping the sandbox ends their waits (SQS long polls). */
  private inflight = new Set<AbortController>();

  private constructor(private opts: SandboxOptions) {
    this.config = parseSandboxConfig(opts.config);
    this.rng = new Rng(this.config.randomSeed);
    this.s3 = new S3Store(this.rng);
    this.sqs = new SqsStore({ changed: () => this.changed(), timeScale: () => this.config.timeScale });
    this.principals = new Principals(this.config, this.rng);
    this.faults = new Faults(this.config.randomSeed ^ 0x5eed);
    this.executor = new Executor({
      config: () => this.config,
      rng: this.rng,
      s3: this.s3,
      changed: () => this.changed(),
      events: { emit: (account, region, event) => this.emitCodePipelineEvent(account, region, event) },
      log: (line) => this.log(line),
    });
    this.events = new EventsStore({
      faults: this.faults,
      timeScale: () => this.config.timeScale,
      seed: this.config.randomSeed ^ 0xe7e7,
      log: (l) => this.log(l),
    });
    // EventBridge's SQS targets are the sandbox's own queues (each checks its policy's aws:SourceArn).
    this.events.useQueues(this.sqs);
    this.identityCenter = new IdentityCenter({
      org: () => this.org,
      endpoint: () => this.endpoint,
      principals: this.principals,
      requestsPerSecond: () => this.config.identityCenter.requestsPerSecond,
    });
    this.services = {
      codepipeline: codePipelineService({
        tables: this.tables,
        executor: this.executor,
        startOnCreate: () => this.config.startOnCreate,
        changed: () => this.changed(),
      }),
      s3: s3Service(this.s3, {
        deleteKeyFails: (r, key) => this.faults.keyFails(r.deleteErrorRate ?? 0, key),
        admitWrites: (bucket, keys) => this.s3WriteLimit.admit(bucket, keys),
        changed: () => this.changed(),
      }),
      sts: stsService(() => this.config, this.principals),
      iam: iamService(this.principals, this.iamRoles, () => this.changed()),
      account: accountService(() => this.config),
      sqs: sqsService({ store: this.sqs, endpoint: () => this.endpoint }),
      events: eventsService(this.events, () => this.changed()),
      sso: ssoService(this.identityCenter),
      'sso-oidc': ssoOidcService(this.identityCenter),
      organizations: organizationsService(() => this.org),
    };
    this.s3WriteLimit.set(this.config.s3WriteLimit ?? null);
    this.adminToken = opts.adminToken ?? randomBytes(24).toString('hex');
    this.log = opts.log ?? (() => {});
  }

  static async start(opts: SandboxOptions = {}): Promise<Sandbox> {
    const sb = new Sandbox(opts);
    if (opts.dataDir) {
      sb.snapshots = new SnapshotStore(opts.dataDir, sb);
      const restored = await sb.snapshots.load();
      if (!restored) await sb.reset(opts.seed ?? 'empty');
      // The organization is the seed's, the same on every build: made again, not stored.
      else if (sb.seedName === 'org') sb.org = buildOrganization();
    } else {
      await sb.reset(opts.seed ?? 'empty');
    }
    await sb.listen(opts.port ?? 0);
    return sb;
  }

  get endpoint(): string {
    const addr = this.server?.address() as AddressInfo | null;
    return addr ? `http://127.0.0.1:${addr.port}` : '';
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  changed(): void {
    this.snapshots?.schedule();
    for (const l of this.changeListeners) l();
  }

  /** CodePipeline's events as they leave the service, to the default bus of the pipeline's account and region. */
  private emitCodePipelineEvent(account: string, region: string, built: AwsEventEnvelope<object>): void {
    // As JSON, which is what crosses between AWS's services (it also drops fields left undefined).
    const event = JSON.parse(JSON.stringify(built)) as AwsEventEnvelope;
    this.codepipelineEventLog.record(account, region, event);
    // As on AWS: CodePipeline's events go to the default bus of the pipeline's own account and region.
    this.events.putServiceEvent(account, region, event);
  }

  codepipelineEvents(since = 0): RecordedEvent[] {
    return this.codepipelineEventLog.since(since);
  }

  private listen(port: number): Promise<void> {
    this.server = createServer((req, res) => {
      // Every request is answered, whatever escapes the handler.
      this.handle(req, res).catch((err: unknown) => {
        this.log(`sandbox: request failed: ${err instanceof Error ? err.stack : String(err)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end();
      });
    });
    this.server.keepAliveTimeout = 5000;
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
  }

  onStop(listener: () => void): void {
    this.stopListeners.push(listener);
  }

  async stop(): Promise<void> {
    for (const ac of this.inflight) ac.abort();
    for (const l of this.stopListeners.splice(0)) l();
    await this.executor.shutdown();
    this.events.shutdown();
    await this.snapshots?.flush();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Clears all state and applies a seed. */
  async reset(seed: SeedName): Promise<void> {
    await this.executor.shutdown();
    this.tables.clear();
    this.s3.clear();
    this.sqs.clear();
    this.events.clear();
    this.iamRoles.clear();
    this.principals.clearTemporary();
    this.org = null;
    this.faults.clear();
    this.callLog = [];
    this.codepipelineEventLog.clear();
    this.config = parseSandboxConfig(this.opts.config);
    this.principals.setConfig(this.config);
    this.identityCenter.clear();
    this.seedName = seed;
    await seedSandbox(this, seed);
    this.changed();
  }

  setTimeScale(scale: number): void {
    this.config.timeScale = scale;
  }

  logEntries(since = 0): CallLogEntry[] {
    return this.callLog.filter((e) => e.seq > since);
  }

  clearLog(): void {
    this.callLog = [];
  }

  /** Calls a service handler in-process as an account (seeding, tests): no HTTP, no signature, no faults. */
  invoke(
    service: 'codepipeline' | 's3',
    accountId: string,
    region: string,
    init: { method?: string; path?: string; target?: string; body?: unknown },
  ): ServiceResponse {
    const raw =
      typeof init.body === 'string' || Buffer.isBuffer(init.body)
        ? Buffer.from(init.body as string)
        : Buffer.from(init.body === undefined ? '' : JSON.stringify(init.body));
    const path = init.path ?? '/';
    const req: ServiceRequest = {
      method: init.method ?? 'POST',
      url: new URL(path, 'http://sandbox.invalid'),
      rawPath: path.split('?')[0],
      headers: init.target ? { 'x-amz-target': `CodePipeline_20150709.${init.target}` } : {},
      body: raw,
      principal: { accessKeyId: 'internal', secretAccessKey: '', accountId, arn: `arn:aws:iam::${accountId}:user/sandbox-seed`, userId: 'seed' },
      accountId,
      region,
      requestId: randomUUID(),
      operation: init.target ?? '',
    };
    const response = this.services[service].handle(req);
    // CodePipeline and S3 answer at once; only a waiting service (SQS) answers later.
    if (response instanceof Promise) throw new Error(`${service} answered asynchronously: invoke only calls services that answer at once.`);
    return response;
  }

  private async readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) throw new SandboxError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 413);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new SandboxError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 413);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  /** Only loopback names reach the sandbox: its keys are public, so a DNS-rebinding page must not drive it. */
  private hostOk(req: IncomingMessage): boolean {
    const port = this.port;
    return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(String(req.headers.host ?? '').toLowerCase());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const requestId = randomUUID();
    if (!this.hostOk(req)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('Misdirected Request: the sandbox answers only on 127.0.0.1 and localhost.\n');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('Bad request target.\n');
      return;
    }
    if (url.pathname.startsWith('/_sandbox/')) {
      await handleControl(this, req, res, url).catch((err) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(err instanceof Error ? err.message : err) }));
      });
      return;
    }
    const scope = peekScope(req);
    const target = req.headers['x-amz-target'];
    const method = req.method ?? 'GET';
    // Identity Center's portal and OIDC are not signed: their paths name them.
    const unsigned: ServiceName | undefined = portalOperation(method, url.pathname) ? 'sso' : oidcOperation(method, url.pathname) ? 'sso-oidc' : undefined;
    const service: ServiceName = isServiceName(scope?.service)
      ? scope.service
      : (unsigned ??
        (url.pathname === '/' && target
          ? String(target).startsWith(SQS_TARGET_PREFIX)
            ? 'sqs'
            : String(target).startsWith(ORGANIZATIONS_TARGET_PREFIX)
              ? 'organizations'
              : 'codepipeline'
          : 's3'));
    const spec = this.services[service];
    const abort = new AbortController();
    // 'close' also fires once the answer is sent, when nothing waits any more.
    res.once('close', () => abort.abort());
    this.inflight.add(abort);
    try {
      await this.answer(req, res, { started, requestId, url, scope, service, spec, signal: abort.signal });
    } finally {
      this.inflight.delete(abort);
    }
  }

  private async answer(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: {
      started: number;
      requestId: string;
      url: URL;
      scope: ReturnType<typeof peekScope>;
      service: ServiceName;
      spec: ServiceSpec;
      signal: AbortSignal;
    },
  ): Promise<void> {
    const { started, requestId, url, scope, service, spec } = ctx;
    let entry: CallLogEntry = { seq: 0, time: started, service, operation: 'Unknown', account: '', region: scope?.region ?? '', status: 0, ms: 0 };
    let response: ServiceResponse;
    // Before the body is read: a conditional S3 write is in flight from here.
    const receivedAt = performance.now();
    try {
      const body = await this.readBody(req, spec.maxBody);
      entry.operation = spec.operation(req, url, body);
      const signed = spec.unsigned ? { principal: ANONYMOUS, region: scope?.region ?? '', service } : await verifySignature(req, body, this.principals);
      if (!isServiceName(signed.service)) throw new SandboxError('UnknownServiceException', `The sandbox does not serve ${signed.service}.`, 400);
      entry = { ...entry, account: signed.principal.accountId, region: signed.region };
      // As in AWS: keys are not valid in a region the account has not enabled, and a
      // principal's own policy may deny an action its account otherwise allows.
      if (service === 'codepipeline' && regionOptStatus(this.config, signed.region) === 'DISABLED')
        throw new SandboxError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
      if (Principals.denies(signed.principal, service, entry.operation))
        throw spec.errors.denied(
          `User: ${signed.principal.arn} is not authorized to perform: ${service}:${entry.operation} because no identity-based policy allows the ${service}:${entry.operation} action`,
        );
      const sreq: ServiceRequest = {
        method: req.method ?? 'GET',
        url,
        rawPath: (req.url ?? '/').split('?')[0],
        headers: req.headers,
        body,
        principal: signed.principal,
        accountId: signed.principal.accountId,
        region: signed.region,
        requestId,
        operation: entry.operation,
        signal: ctx.signal,
        receivedAt,
      };
      const fingerprint = () => `${sreq.method} ${url.pathname}${url.search} ${createHash('sha256').update(body).digest('hex')}`;
      const fault = this.faults.decide({ service, operation: entry.operation, account: entry.account, region: entry.region }, fingerprint);
      if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.outcome === 'reset') {
        entry.status = 0;
        entry.errorCode = 'ConnectionReset';
        this.record(entry, started);
        req.socket.destroy();
        return;
      }
      this.applyFault(spec, fault);
      sreq.deleteErrorRate = fault.deleteErrorRate;
      sreq.conditionalFailure = fault.conditionalFailure;
      response = await spec.handle(sreq);
      entry.operation = sreq.operation;
    } catch (err) {
      const e = err instanceof SandboxError ? err : spec.errors.internal();
      if (!(err instanceof SandboxError)) this.log(`sandbox: ${entry.operation} failed: ${err instanceof Error ? err.stack : String(err)}`);
      response = spec.errorResponse(e, requestId, req.method === 'HEAD', req);
      entry.errorCode = e.code;
    }
    entry.status = response.status;
    this.record(entry, started);
    const headers: Record<string, string> = { ...response.headers, ...spec.requestIdHeaders(requestId) };
    const body = response.body;
    if (body instanceof Readable) {
      // A generated body (a declared-size object): streamed, never held whole.
      res.writeHead(response.status, headers);
      if (req.method === 'HEAD') {
        body.destroy();
        res.end();
      } else body.pipe(res);
      return;
    }
    if (body !== undefined && req.method !== 'HEAD') headers['content-length'] = String(Buffer.byteLength(body));
    else if (!('content-length' in headers)) headers['content-length'] = '0';
    res.writeHead(response.status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private applyFault(spec: ServiceSpec, fault: FaultDecision): void {
    if (fault.outcome === 'throttle') throw spec.errors.throttled();
    if (fault.outcome === 'error') throw spec.errors.internal();
    if (fault.outcome === 'deny') throw spec.errors.denied('User is not authorized to perform this operation (injected by the sandbox).');
  }

  private record(entry: CallLogEntry, started: number): void {
    entry.seq = ++this.seq;
    entry.ms = Date.now() - started;
    this.callLog.push(entry);
    if (this.callLog.length > MAX_LOG) this.callLog.splice(0, this.callLog.length - MAX_LOG);
  }

  /** A summary of everything in the sandbox, for the control API and the app's status. */
  snapshot() {
    return {
      seed: this.seedName,
      ...(this.org
        ? {
            organization: {
              id: this.org.id,
              managementAccountId: this.org.managementAccountId,
              accounts: this.org.accounts.length,
              startUrl: this.identityCenter.startUrl,
            },
          }
        : {}),
      timeScale: this.config.timeScale,
      accounts: this.config.accounts.map((a) => ({ id: a.id, name: a.name })),
      regions: this.config.regions,
      pipelines: this.tables.all().map((p) => ({
        account: p.accountId,
        region: p.region,
        name: p.name,
        version: p.versions.length,
        executions: p.executions.map((e) => ({ id: e.pipelineExecutionId, status: e.status })),
      })),
      buckets: [...this.s3.buckets.values()].map((b) => ({
        name: b.name,
        account: b.accountId,
        region: b.region,
        versioning: b.versioning ?? 'Disabled',
        tags: b.tags ?? {},
        ...this.s3.stats(b),
      })),
      queues: [...this.sqs.queues.values()].map((q) => ({
        name: q.name,
        account: q.accountId,
        region: q.region,
        arn: q.arn,
        ...this.sqs.counts(q),
      })),
    };
  }
}
