// The sandbox's control API under /_sandbox/, guarded by the admin token:
// reset and seed, faults, action failures, time scale, state, the call log, the
// events CodePipeline emitted, EventBridge's deliveries (per-rule counters, the
// delivery log, AWS events), and the `org` seed's organization and Identity Center
// tokens (expire them at will).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { FailureRule } from './config';
import { S3WriteLimit } from './services/s3/write-limit';
import { FaultRule } from './faults';
import { SEED_NAMES, type SandboxCore } from './sandbox-core';
import { generatePipelines } from './seed';
import { eventTime } from './services/events/model';

const Seed = z.strictObject({ seed: z.enum(SEED_NAMES).default('empty') });
const ExpireTokens = z.strictObject({ sessions: z.boolean().default(false) });
const TimeScale = z.strictObject({ timeScale: z.number().min(0).max(100) });
const BulkObjects = z.strictObject({
  bucket: z.string().min(3),
  account: z.string().regex(/^\d{12}$/),
  region: z.string(),
  versioned: z.boolean().default(false),
  prefix: z.string().max(200).default(''),
  count: z.number().int().min(1).max(1_000_000),
  /** Versions per key (needs versioned). */
  versions: z.number().int().min(1).max(10).default(1),
  /** Every Nth key gets a delete marker on top (0: none). */
  deleteMarkerEvery: z.number().int().min(0).default(0),
  size: z.number().int().min(0).max(1_000_000).default(16),
});
/** An AWS service's event for an account's default bus, as CodePipeline would put it. */
const ServiceEvent = z.strictObject({
  account: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  event: z.strictObject({
    id: z.string().min(1).optional(),
    'detail-type': z.string().min(1),
    source: z.string().regex(/^aws\./, 'an AWS service event has a source starting "aws."'),
    time: z.string().optional(),
    resources: z.array(z.string()).default([]),
    detail: z.record(z.string(), z.json()),
  }),
});
const Generate = z.strictObject({
  accounts: z.array(z.string()).optional(),
  regions: z.array(z.string()).optional(),
  pipelinesPerTarget: z.number().int().min(1).max(1000),
  executionsPerPipeline: z.number().int().min(0).max(50).default(1),
  namePrefix: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,40}$/)
    .default('load'),
});

function tokenOk(sb: SandboxCore, req: IncomingMessage): boolean {
  const given = String(req.headers['x-sandbox-admin-token'] ?? String(req.headers.authorization ?? '').replace(/^Bearer /, ''));
  const a = Buffer.from(given);
  const b = Buffer.from(sb.adminToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1_000_000) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.trim() ? JSON.parse(text) : {};
}

export async function handleControl(sb: SandboxCore, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (!tokenOk(sb, req)) return send(401, { error: 'The sandbox admin token is missing or wrong.' });
  const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
  let body: unknown;
  try {
    body = req.method === 'GET' || req.method === 'DELETE' ? {} : await readJson(req);
  } catch (err) {
    return send(400, { error: `Body is not JSON: ${err instanceof Error ? err.message : String(err)}` });
  }
  const parse = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
    const r = schema.safeParse(value);
    if (!r.success) {
      send(400, { error: 'Invalid body', issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
      return undefined;
    }
    return r.data;
  };
  switch (route) {
    case 'GET /_sandbox/health':
      return send(200, { ok: true, endpoint: sb.endpoint, seed: sb.seedName });
    case 'POST /_sandbox/reset':
    case 'POST /_sandbox/seed': {
      const b = parse(Seed, body);
      if (!b) return;
      await sb.reset(b.seed);
      return send(200, { ok: true, seed: b.seed });
    }
    case 'GET /_sandbox/faults':
      return send(200, { faults: sb.faults.list() });
    case 'PUT /_sandbox/faults': {
      const b = parse(z.array(FaultRule), body);
      if (!b) return;
      sb.faults.set(b);
      return send(200, { faults: sb.faults.list() });
    }
    case 'POST /_sandbox/faults': {
      const b = parse(FaultRule, body);
      if (!b) return;
      sb.faults.add(b);
      return send(200, { faults: sb.faults.list() });
    }
    case 'DELETE /_sandbox/faults':
      sb.faults.clear();
      return send(200, { faults: [] });
    case 'GET /_sandbox/failures':
      return send(200, { failures: sb.config.failures });
    case 'PUT /_sandbox/failures': {
      const b = parse(z.array(FailureRule), body);
      if (!b) return;
      sb.config.failures = b;
      return send(200, { failures: b });
    }
    case 'POST /_sandbox/failures': {
      const b = parse(FailureRule, body);
      if (!b) return;
      sb.config.failures.push(b);
      return send(200, { failures: sb.config.failures });
    }
    case 'GET /_sandbox/s3-write-limit':
      return send(200, writeLimitState(sb));
    case 'PUT /_sandbox/s3-write-limit': {
      // {"limit": {...}} turns S3's per-prefix write rate on; {"limit": null} turns it off.
      const b = parse(z.strictObject({ limit: S3WriteLimit.nullable() }), body);
      if (!b) return;
      sb.s3WriteLimit.set(b.limit);
      return send(200, writeLimitState(sb));
    }
    case 'PUT /_sandbox/time-scale': {
      const b = parse(TimeScale, body);
      if (!b) return;
      sb.setTimeScale(b.timeScale);
      return send(200, b);
    }
    case 'GET /_sandbox/state':
      return send(200, sb.snapshot());
    case 'GET /_sandbox/log': {
      const since = Number(url.searchParams.get('since') ?? 0) || 0;
      const service = url.searchParams.get('service');
      const operation = url.searchParams.get('operation');
      const entries = sb.logEntries(since).filter((e) => (!service || e.service === service) && (!operation || e.operation === operation));
      return send(200, { entries });
    }
    case 'DELETE /_sandbox/log':
      sb.clearLog();
      return send(200, { ok: true });
    case 'GET /_sandbox/codepipeline-events': {
      const since = Number(url.searchParams.get('since') ?? 0) || 0;
      return send(200, { events: sb.codepipelineEvents(since), last: sb.codepipelineEventLog.last });
    }
    case 'DELETE /_sandbox/codepipeline-events':
      sb.codepipelineEventLog.clear();
      return send(200, { ok: true });
    case 'POST /_sandbox/generate': {
      const b = parse(Generate, body);
      if (!b) return;
      const created = await generatePipelines(sb, b);
      return send(200, { created });
    }
    case 'POST /_sandbox/objects': {
      // Load generation for benchmarks: many objects at once, without a request each.
      const b = parse(BulkObjects, body);
      if (!b) return;
      const bucket = sb.s3.buckets.get(b.bucket) ?? sb.s3.createBucket(b.bucket, b.account, b.region);
      if (b.versioned) bucket.versioning = 'Enabled';
      const data = Buffer.alloc(b.size, 120);
      for (let i = 0; i < b.count; i++) {
        const key = `${b.prefix}${String(i).padStart(7, '0')}`;
        for (let v = 0; v < b.versions; v++) sb.s3.putObject(bucket, key, data);
        if (b.deleteMarkerEvery && i % b.deleteMarkerEvery === 0) sb.s3.deleteObject(bucket, key);
      }
      sb.changed();
      return send(200, sb.s3.stats(bucket));
    }
    case 'GET /_sandbox/org': {
      // The organization as the seed made it, with what no AWS API tells (a closed account's date).
      const org = sb.org;
      if (!org) return send(404, { error: 'This sandbox has no organization: seed it with "org".' });
      const ic = sb.identityCenter;
      return send(200, {
        id: org.id,
        rootId: org.rootId,
        managementAccountId: org.managementAccountId,
        startUrl: ic.startUrl,
        userName: org.data.userName,
        throttled: ic.throttled,
        permissionSets: org.data.permissionSets,
        accounts: org.accounts.map((a) => ({
          id: a.id,
          name: a.name,
          state: a.state,
          ...(a.closedAt ? { closedAt: new Date(a.closedAt).toISOString() } : {}),
          ou: org.ouNames(a.parentId),
          roles: a.roles,
        })),
      });
    }
    case 'POST /_sandbox/identity-center/expire-tokens': {
      // As if the hours had passed: access tokens end now ("sessions": refresh tokens too).
      const b = parse(ExpireTokens, body);
      if (!b) return;
      return send(200, { expired: sb.identityCenter.expire(b) });
    }
    case 'POST /_sandbox/settle':
      await sb.executor.settled();
      await sb.events.idle();
      return send(200, { ok: true });
    case 'GET /_sandbox/events': {
      const since = Number(url.searchParams.get('since') ?? 0) || 0;
      const rule = url.searchParams.get('rule') ?? undefined;
      const outcome = url.searchParams.get('outcome');
      const deliveries = sb.events.deliveries(since).filter((d) => (!rule || d.ruleArn === rule) && (!outcome || d.outcome === outcome));
      return send(200, { metrics: sb.events.ruleMetrics(rule), deliveries });
    }
    case 'POST /_sandbox/events/service-event': {
      const b = parse(ServiceEvent, body);
      if (!b) return;
      const id = b.event.id ?? sb.events.newEventId();
      sb.events.putServiceEvent(b.account, b.region, {
        version: '0',
        id,
        'detail-type': b.event['detail-type'],
        source: b.event.source,
        account: b.account,
        time: b.event.time ?? eventTime(Date.now()),
        region: b.region,
        resources: b.event.resources,
        detail: b.event.detail,
      });
      return send(200, { id });
    }
  }
  send(404, { error: `No control route ${route}` });
}

const writeLimitState = (sb: SandboxCore) => ({
  limit: sb.s3WriteLimit.current,
  slowDowns: sb.s3WriteLimit.slowDowns,
  admitted: sb.s3WriteLimit.admitted,
});
