// The sandbox: one HTTP server on 127.0.0.1 that answers as CodePipeline, S3,
// STS and IAM, routed by the SigV4 credential scope's service name, plus a
// control API under /_sandbox/ for tests (reset, seed, faults, time scale,
// state and the call log). Real SDK clients and the AWS CLI talk to it as-is.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { handleCodePipeline, jsonErrorBody } from './codepipeline-api';
import { parseSandboxConfig, type SandboxConfig } from './config';
import { PipelineTables } from './cp-records';
import { SandboxError } from './errors';
import { Executor } from './executor';
import { Faults, type FaultDecision } from './faults';
import type { ServiceRequest, ServiceResponse } from './http-types';
import { Principals } from './principals';
import { Rng } from './random';
import { handleS3, s3ErrorBody, s3Operation } from './s3-api';
import { S3Store } from './s3-store';
import { handleIam, handleSts, queryErrorBody } from './sts-api';
import { peekScope, verifySignature } from './sigv4-verify';
import { handleControl } from './control-api';
import { handleAccount, regionOptStatus } from './account-api';
import { SnapshotStore } from './persistence';
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

const MAX_S3_BODY = 64 * 1024 * 1024;
const MAX_API_BODY = 2 * 1024 * 1024;
const MAX_LOG = 200_000;
const SERVICES = new Set(['codepipeline', 's3', 'sts', 'iam', 'account']);

export class Sandbox implements SandboxCore {
  readonly tables = new PipelineTables();
  readonly rng: Rng;
  readonly s3: S3Store;
  readonly principals: Principals;
  readonly faults: Faults;
  readonly executor: Executor;
  readonly adminToken: string;
  config: SandboxConfig;
  seedName: SeedName = 'empty';
  private server?: Server;
  private callLog: CallLogEntry[] = [];
  private seq = 0;
  private snapshots?: SnapshotStore;
  private readonly log: (line: string) => void;
  private changeListeners: Array<() => void> = [];
  private stopListeners: Array<() => void> = [];

  private constructor(private opts: SandboxOptions) {
    this.config = parseSandboxConfig(opts.config);
    this.rng = new Rng(this.config.randomSeed);
    this.s3 = new S3Store(this.rng);
    this.principals = new Principals(this.config, this.rng);
    this.faults = new Faults(this.config.randomSeed ^ 0x5eed);
    this.executor = new Executor({ config: () => this.config, rng: this.rng, s3: this.s3, changed: () => this.changed() });
    this.adminToken = opts.adminToken ?? randomBytes(24).toString('hex');
    this.log = opts.log ?? (() => {});
  }

  static async start(opts: SandboxOptions = {}): Promise<Sandbox> {
    const sb = new Sandbox(opts);
    if (opts.dataDir) {
      sb.snapshots = new SnapshotStore(opts.dataDir, sb);
      const restored = await sb.snapshots.load();
      if (!restored) await sb.reset(opts.seed ?? 'empty');
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
    for (const l of this.stopListeners.splice(0)) l();
    await this.executor.shutdown();
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
    this.s3.buckets.clear();
    this.principals.clearTemporary();
    this.faults.clear();
    this.callLog = [];
    this.config = parseSandboxConfig(this.opts.config);
    this.principals.setConfig(this.config);
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
    return this.route(service, req);
  }

  private route(service: string, req: ServiceRequest): ServiceResponse {
    switch (service) {
      case 'codepipeline':
        return handleCodePipeline(req, {
          tables: this.tables,
          executor: this.executor,
          startOnCreate: () => this.config.startOnCreate,
          changed: () => this.changed(),
        });
      case 's3':
        return handleS3(req, this.s3, { deleteKeyFails: (r, key) => this.faults.keyFails(r.deleteErrorRate ?? 0, key), changed: () => this.changed() });
      case 'sts':
        return handleSts(req, this.config, this.principals);
      case 'iam':
        return handleIam(req, this.principals);
      case 'account':
        return handleAccount(req, this.config);
    }
    throw new SandboxError('UnknownServiceException', `The sandbox does not serve ${service}.`);
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

  private operationOf(service: string, req: IncomingMessage, url: URL, body: Buffer): string {
    if (service === 'codepipeline') return String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'Unknown';
    if (service === 's3') return s3Operation(req.method ?? 'GET', (req.url ?? '/').split('?')[0], url.searchParams);
    if (service === 'account') return url.pathname === '/listRegions' ? 'ListRegions' : 'Unknown';
    return new URLSearchParams(body.toString('utf8')).get('Action') ?? url.searchParams.get('Action') ?? 'Unknown';
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
    const service = scope && SERVICES.has(scope.service) ? scope.service : url.pathname === '/' && req.headers['x-amz-target'] ? 'codepipeline' : 's3';
    let entry: CallLogEntry = { seq: 0, time: started, service, operation: 'Unknown', account: '', region: scope?.region ?? '', status: 0, ms: 0 };
    let response: ServiceResponse;
    try {
      const body = await this.readBody(req, service === 's3' ? MAX_S3_BODY : MAX_API_BODY);
      entry.operation = this.operationOf(service, req, url, body);
      const signed = await verifySignature(req, body, this.principals);
      if (!SERVICES.has(signed.service)) throw new SandboxError('UnknownServiceException', `The sandbox does not serve ${signed.service}.`, 400);
      entry = { ...entry, account: signed.principal.accountId, region: signed.region };
      // As in AWS: keys are not valid in a region the account has not enabled, and a
      // principal's own policy may deny an action its account otherwise allows.
      if (service === 'codepipeline' && regionOptStatus(this.config, signed.region) === 'DISABLED')
        throw new SandboxError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
      if (Principals.denies(signed.principal, service, entry.operation))
        throw this.denied(
          service,
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
      this.applyFault(service, fault);
      sreq.deleteErrorRate = fault.deleteErrorRate;
      response = this.route(service, sreq);
      entry.operation = sreq.operation;
    } catch (err) {
      const e =
        err instanceof SandboxError
          ? err
          : new SandboxError(service === 's3' ? 'InternalError' : 'InternalFailure', 'We encountered an internal error. Please try again.', 500);
      if (!(err instanceof SandboxError)) this.log(`sandbox: ${entry.operation} failed: ${err instanceof Error ? err.stack : String(err)}`);
      response = this.errorResponse(service, e, requestId, req.method === 'HEAD');
      entry.errorCode = e.code;
    }
    entry.status = response.status;
    this.record(entry, started);
    const headers: Record<string, string> = { ...response.headers };
    if (service === 's3') {
      headers['x-amz-request-id'] = requestId;
      headers['x-amz-id-2'] = requestId;
    } else headers['x-amzn-requestid'] = requestId;
    const body = response.body;
    if (body !== undefined && req.method !== 'HEAD') headers['content-length'] = String(Buffer.byteLength(body));
    else if (!('content-length' in headers)) headers['content-length'] = '0';
    res.writeHead(response.status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private applyFault(service: string, fault: FaultDecision): void {
    switch (fault.outcome) {
      case 'throttle':
        if (service === 's3') throw new SandboxError('SlowDown', 'Please reduce your request rate.', 503);
        throw new SandboxError(service === 'codepipeline' ? 'ThrottlingException' : 'Throttling', 'Rate exceeded', 400);
      case 'error':
        throw new SandboxError(
          service === 's3' ? 'InternalError' : service === 'codepipeline' ? 'InternalFailure' : 'InternalFailure',
          'We encountered an internal error. Please try again.',
          500,
        );
      case 'deny':
        throw this.denied(service, 'User is not authorized to perform this operation (injected by the sandbox).');
    }
  }

  private denied(service: string, message: string): SandboxError {
    if (service === 'codepipeline') return new SandboxError('AccessDeniedException', message, 400);
    if (service === 'account') return new SandboxError('AccessDeniedException', message, 403);
    return new SandboxError('AccessDenied', message, 403);
  }

  private errorResponse(service: string, e: SandboxError, requestId: string, head: boolean): ServiceResponse {
    const headers: Record<string, string> = {};
    if (e.extra.deleteMarker) headers['x-amz-delete-marker'] = 'true';
    if (service === 's3')
      return { status: e.status, headers: { ...headers, 'content-type': 'application/xml' }, body: head ? undefined : s3ErrorBody(e, requestId) };
    if (service === 'sts' || service === 'iam')
      return { status: e.status, headers: { 'content-type': 'text/xml' }, body: queryErrorBody(e, requestId, service) };
    return { status: e.status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': e.code }, body: jsonErrorBody(e) };
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
    };
  }
}
