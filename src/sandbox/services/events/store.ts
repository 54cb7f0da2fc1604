// The sandbox's EventBridge state, per account and region: event buses (the default
// one always there), their policies, rules and targets; and the ways events enter a
// bus: PutEvents, an AWS service's own event (putServiceEvent, for CodePipeline's
// state changes), or another bus's rule. Operations throw SandboxError with the
// service's codes; the wire format is api.ts's.
import { SandboxError } from '../../errors';
import type { Faults } from '../../faults';
import { Rng } from '../../random';
import { Delivery, parsePath, type DeliveryRecord, type RuleMetrics } from './delivery';
import {
  busArn,
  eventTime,
  parseBusArn,
  parseQueueArn,
  ruleArn,
  type AwsEventEnvelope,
  type BusRecord,
  type QueueDelivery,
  type RuleRecord,
  type RuleState,
  type Tag,
  type TargetRecord,
} from './model';
import { compilePattern, InvalidPatternError, matchesPattern, MAX_JSON_DEPTH, nestsDeeperThan, type Json } from './pattern';
import { checkPolicySize, parsePolicy, permissionStatement, policyAllowsPutEvents, type PolicyDocument } from './policy';

export interface EventsStoreDeps {
  faults: Faults;
  timeScale: () => number;
  seed: number;
  log?: (line: string) => void;
}

interface Space {
  buses: Map<string, BusRecord>;
  /** Keyed by bus name and rule name. */
  rules: Map<string, RuleRecord>;
}

export interface PutEventsEntry {
  Time?: number;
  Source?: string;
  Resources?: string[];
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutTargetsFailure {
  TargetId: string;
  ErrorCode: string;
  ErrorMessage: string;
}

/** What a snapshot keeps of EventBridge (compiled patterns are rebuilt on load). */
export interface EventsSnapshot {
  buses: BusRecord[];
  rules: Array<Omit<RuleRecord, 'compiled'>>;
}

const validation = (message: string) => new SandboxError('ValidationException', message);
const MAX_TARGETS_PER_RULE = 5;
const MAX_TAGS = 50;
const MAX_PUT_EVENTS_BYTES = 256 * 1024;
const ruleKey = (bus: string, name: string) => `${bus}\u0000${name}`;

export class EventsStore {
  private spaces = new Map<string, Space>();
  private rng: Rng;
  private queues?: QueueDelivery;
  readonly delivery: Delivery;

  constructor(private readonly deps: EventsStoreDeps) {
    this.rng = new Rng(deps.seed);
    this.delivery = new Delivery({
      faults: deps.faults,
      queues: () => this.queues,
      timeScale: deps.timeScale,
      findBus: (account, region, name) => this.space(account, region).buses.get(name),
      enterBus: (bus, event, hops) => this.enterBus(bus, event, hops),
      log: deps.log ?? (() => {}),
    });
  }

  /** Where EventBridge sends to SQS (the SQS store); undefined leaves queue targets unreachable. */
  useQueues(queues: QueueDelivery | undefined): void {
    this.queues = queues;
  }

  clear(): void {
    this.delivery.shutdown();
    this.spaces.clear();
    this.rng = new Rng(this.deps.seed);
  }

  private space(account: string, region: string): Space {
    const key = `${account}|${region}`;
    let s = this.spaces.get(key);
    if (!s) {
      const now = Date.now();
      // Every account has its default bus in every region, from the start.
      const def: BusRecord = { name: 'default', arn: busArn(region, account, 'default'), account, region, tags: [], createdAt: now, modifiedAt: now };
      s = { buses: new Map([['default', def]]), rules: new Map() };
      this.spaces.set(key, s);
    }
    return s;
  }

  /** A bus named by name or ARN, as the caller may name it; undefined name: the default bus. */
  bus(account: string, region: string, nameOrArn: string | undefined): BusRecord {
    const name = this.ownBusName(account, region, nameOrArn);
    const bus = this.space(account, region).buses.get(name);
    if (!bus) throw new SandboxError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  private ownBusName(account: string, region: string, nameOrArn: string | undefined): string {
    if (nameOrArn === undefined) return 'default';
    if (!nameOrArn.startsWith('arn:')) return nameOrArn;
    const arn = parseBusArn(nameOrArn);
    // A rule lives with its bus: another account's (or region's) bus is not one the caller can see.
    if (!arn || arn.account !== account || arn.region !== region) throw new SandboxError('ResourceNotFoundException', `Event bus ${nameOrArn} does not exist.`);
    return arn.name;
  }

  // --- Event buses -------------------------------------------------------------

  createEventBus(account: string, region: string, input: { name: string; description?: string; tags: Tag[] }): BusRecord {
    if (input.name === 'default') throw validation('The event bus name default is reserved.');
    if (input.name.includes('/') || input.name.startsWith('aws.'))
      throw validation(`Event bus name ${input.name} is for partner event sources, which the sandbox does not model.`);
    const s = this.space(account, region);
    if (s.buses.has(input.name)) throw new SandboxError('ResourceAlreadyExistsException', `Event bus ${input.name} already exists.`);
    checkTags(input.tags);
    const now = Date.now();
    const bus: BusRecord = {
      name: input.name,
      arn: busArn(region, account, input.name),
      account,
      region,
      tags: input.tags,
      createdAt: now,
      modifiedAt: now,
      ...(input.description === undefined ? {} : { description: input.description }),
    };
    s.buses.set(bus.name, bus);
    return bus;
  }

  /** Deleting a bus deletes its rules; a bus that does not exist is already deleted. */
  deleteEventBus(account: string, region: string, name: string): void {
    if (name === 'default') throw validation('Cannot delete event bus default.');
    const s = this.space(account, region);
    if (!s.buses.delete(name)) return;
    for (const [key, rule] of s.rules) if (rule.busName === name) s.rules.delete(key);
  }

  listEventBuses(account: string, region: string, namePrefix?: string): BusRecord[] {
    return [...this.space(account, region).buses.values()]
      .filter((b) => !namePrefix || b.name.startsWith(namePrefix))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  putPermission(
    account: string,
    region: string,
    input: {
      busName?: string;
      policy?: string;
      statementId?: string;
      action?: string;
      principal?: string;
      condition?: { Type: string; Key: string; Value: string };
    },
  ): void {
    const bus = this.bus(account, region, input.busName);
    const statementForm = input.statementId !== undefined || input.action !== undefined || input.principal !== undefined || input.condition !== undefined;
    let next: PolicyDocument;
    if (input.policy !== undefined) {
      if (statementForm) throw validation('Give either Policy, or StatementId, Action, Principal and Condition: not both.');
      next = parsePolicy(input.policy);
    } else {
      if (input.statementId === undefined || input.action === undefined || input.principal === undefined)
        throw validation('StatementId, Action and Principal are required when Policy is not given.');
      const statement = permissionStatement(
        { StatementId: input.statementId, Action: input.action, Principal: input.principal, Condition: input.condition },
        bus.arn,
      );
      // The same StatementId replaces its statement, so running the same setup twice changes nothing.
      const others = (bus.policy?.Statement ?? []).filter((s) => s.Sid !== input.statementId);
      next = { Version: '2012-10-17', Statement: [...others, statement] };
    }
    checkPolicySize(next);
    bus.policy = next;
    bus.modifiedAt = Date.now();
  }

  removePermission(account: string, region: string, input: { busName?: string; statementId?: string; removeAll?: boolean }): void {
    const bus = this.bus(account, region, input.busName);
    if (input.removeAll) {
      if (input.statementId !== undefined) throw validation('Give either StatementId or RemoveAllPermissions, not both.');
      delete bus.policy;
      return;
    }
    if (input.statementId === undefined) throw validation('StatementId is required unless RemoveAllPermissions is true.');
    if (!bus.policy) throw new SandboxError('ResourceNotFoundException', `EventBus ${bus.name} does not have a policy.`);
    const kept = bus.policy.Statement.filter((s) => s.Sid !== input.statementId);
    if (kept.length === bus.policy.Statement.length) throw new SandboxError('ResourceNotFoundException', 'Statement with the provided id does not exist.');
    if (kept.length) bus.policy = { ...bus.policy, Statement: kept };
    else delete bus.policy;
    bus.modifiedAt = Date.now();
  }

  // --- Rules -----------------------------------------------------------------

  putRule(
    account: string,
    region: string,
    input: {
      name: string;
      busName?: string;
      eventPattern?: string;
      scheduleExpression?: string;
      state?: string;
      description?: string;
      roleArn?: string;
      tags: Tag[];
    },
  ): RuleRecord {
    const bus = this.bus(account, region, input.busName);
    if (input.eventPattern === undefined && input.scheduleExpression === undefined)
      throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    if (input.scheduleExpression !== undefined) {
      if (bus.name !== 'default') throw validation('ScheduleExpression is supported only on the default event bus.');
      if (!/^(rate\(\s*\d+\s+(minute|minutes|hour|hours|day|days)\s*\)|cron\(.+\))$/.test(input.scheduleExpression))
        throw validation('Parameter ScheduleExpression is not valid.');
    }
    let compiled;
    if (input.eventPattern !== undefined) {
      try {
        compiled = compilePattern(input.eventPattern);
      } catch (err) {
        if (err instanceof InvalidPatternError) throw new SandboxError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${err.message}`);
        throw err;
      }
    }
    const state = (input.state ?? 'ENABLED') as RuleState;
    if (!['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'].includes(state))
      throw validation(
        `1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]`,
      );
    checkTags(input.tags);
    const s = this.space(account, region);
    const key = ruleKey(bus.name, input.name);
    const existing = s.rules.get(key);
    // PutRule on an existing rule replaces its settings; its targets and tags stay (tags change through TagResource).
    const rule: RuleRecord = {
      name: input.name,
      arn: ruleArn(region, account, bus.name, input.name),
      busName: bus.name,
      account,
      region,
      state,
      tags: existing ? existing.tags : input.tags,
      targets: existing ? existing.targets : [],
      ...(input.eventPattern === undefined ? {} : { eventPattern: input.eventPattern, compiled }),
      ...(input.scheduleExpression === undefined ? {} : { scheduleExpression: input.scheduleExpression }),
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.roleArn === undefined ? {} : { roleArn: input.roleArn }),
    };
    s.rules.set(key, rule);
    return rule;
  }

  rule(account: string, region: string, name: string, busName?: string): RuleRecord {
    const bus = this.bus(account, region, busName);
    const rule = this.space(account, region).rules.get(ruleKey(bus.name, name));
    if (!rule) throw new SandboxError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus.name}.`);
    return rule;
  }

  listRules(account: string, region: string, input: { busName?: string; namePrefix?: string }): RuleRecord[] {
    const bus = this.bus(account, region, input.busName);
    return [...this.space(account, region).rules.values()]
      .filter((r) => r.busName === bus.name && (!input.namePrefix || r.name.startsWith(input.namePrefix)))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The names of the rules on a bus with a target of this ARN. */
  listRuleNamesByTarget(account: string, region: string, input: { busName?: string; targetArn: string }): string[] {
    return this.listRules(account, region, { busName: input.busName })
      .filter((r) => r.targets.some((t) => t.Arn === input.targetArn))
      .map((r) => r.name);
  }

  setRuleState(account: string, region: string, name: string, busName: string | undefined, state: RuleState): void {
    this.rule(account, region, name, busName).state = state;
  }

  /** As EventBridge: a rule with targets is not deleted (remove them first); a missing rule is already deleted. */
  deleteRule(account: string, region: string, name: string, busName?: string): void {
    const bus = this.bus(account, region, busName);
    const s = this.space(account, region);
    const rule = s.rules.get(ruleKey(bus.name, name));
    if (!rule) return;
    if (rule.targets.length) throw validation("Rule can't be deleted since it has targets.");
    s.rules.delete(ruleKey(bus.name, name));
  }

  // --- Targets ---------------------------------------------------------------

  /** Adds or replaces targets by Id; a target the sandbox cannot take fails alone, in FailedEntries. */
  putTargets(account: string, region: string, input: { rule: string; busName?: string; targets: TargetRecord[] }): PutTargetsFailure[] {
    const rule = this.rule(account, region, input.rule, input.busName);
    const ids = input.targets.map((t) => t.Id);
    if (new Set(ids).size !== ids.length) throw validation('The same target Id appears more than once in the request.');
    const after = new Set([...rule.targets.map((t) => t.Id), ...ids]);
    if (after.size > MAX_TARGETS_PER_RULE)
      throw new SandboxError(
        'LimitExceededException',
        `The requested resource exceeds the maximum number allowed: a rule has at most ${MAX_TARGETS_PER_RULE} targets.`,
      );
    const failures: PutTargetsFailure[] = [];
    for (const target of input.targets) {
      const problem = targetProblem(rule, target);
      if (problem) {
        failures.push({ TargetId: target.Id, ErrorCode: 'ValidationException', ErrorMessage: problem });
        continue;
      }
      const at = rule.targets.findIndex((t) => t.Id === target.Id);
      if (at >= 0) rule.targets[at] = target;
      else rule.targets.push(target);
    }
    return failures;
  }

  /** Removes targets by Id; an Id the rule does not have is not an error. */
  removeTargets(account: string, region: string, input: { rule: string; busName?: string; ids: string[] }): void {
    const rule = this.rule(account, region, input.rule, input.busName);
    rule.targets = rule.targets.filter((t) => !input.ids.includes(t.Id));
  }

  // --- Tags --------------------------------------------------------------------

  private taggable(account: string, region: string, arn: string): { tags: Tag[] } {
    const bus = parseBusArn(arn);
    if (bus && bus.account === account && bus.region === region) {
      const b = this.space(account, region).buses.get(bus.name);
      if (b) return b;
    }
    const m = /^arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):rule\/(?:([.\-_A-Za-z0-9]+)\/)?([.\-_A-Za-z0-9]+)$/.exec(arn);
    if (m && m[1] === region && m[2] === account) {
      const r = this.space(account, region).rules.get(ruleKey(m[3] ?? 'default', m[4]));
      if (r) return r;
    }
    throw new SandboxError('ResourceNotFoundException', `Resource ${arn} does not exist.`);
  }

  tagResource(account: string, region: string, arn: string, tags: Tag[]): void {
    const res = this.taggable(account, region, arn);
    const merged = new Map(res.tags.map((t) => [t.Key, t.Value]));
    for (const t of tags) merged.set(t.Key, t.Value);
    const next = [...merged].map(([Key, Value]) => ({ Key, Value }));
    checkTags(next);
    res.tags = next;
  }

  untagResource(account: string, region: string, arn: string, keys: string[]): void {
    const res = this.taggable(account, region, arn);
    res.tags = res.tags.filter((t) => !keys.includes(t.Key));
  }

  listTags(account: string, region: string, arn: string): Tag[] {
    return this.taggable(account, region, arn).tags;
  }

  // --- Events ----------------------------------------------------------------

  /** PutEvents: each entry checked on its own; the good ones enter their bus. */
  putEvents(account: string, region: string, entries: PutEventsEntry[]): PutEventsResultEntry[] {
    const size = entries.reduce((n, e) => n + entrySize(e), 0);
    if (size > MAX_PUT_EVENTS_BYTES) throw validation('Total size of the entries in the request is over the limit.');
    return entries.map((e) => this.putEvent(account, region, e));
  }

  private putEvent(account: string, region: string, e: PutEventsEntry): PutEventsResultEntry {
    const invalid = (field: string, reason: string) => ({ ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${reason}` });
    if (!e.Source) return invalid('Source', 'Source is a required argument.');
    if (!e.DetailType) return invalid('DetailType', 'DetailType is a required argument.');
    if (e.Detail === undefined) return invalid('Detail', 'Detail is a required argument.');
    // The aws. prefix is the AWS services' own: a client may not pose as one.
    if (e.Source.startsWith('aws.')) return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    let detail: unknown;
    try {
      detail = JSON.parse(e.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (!detail || typeof detail !== 'object' || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    // The detail sits one level inside the event, which PutEvents processes to MAX_JSON_DEPTH levels.
    if (nestsDeeperThan(detail, MAX_JSON_DEPTH - 1))
      return { ErrorCode: 'MalformedDetail', ErrorMessage: `Detail is malformed: the event nests deeper than ${MAX_JSON_DEPTH} levels.` };
    let bus: BusRecord;
    try {
      bus = this.busForPutEvents(account, region, e.EventBusName, e.Source, e.DetailType);
    } catch (err) {
      if (err instanceof SandboxError) return { ErrorCode: err.code, ErrorMessage: err.message };
      throw err;
    }
    const event: AwsEventEnvelope = {
      version: '0',
      id: this.rng.uuid(),
      'detail-type': e.DetailType,
      source: e.Source,
      account,
      time: eventTime(e.Time !== undefined ? e.Time * 1000 : Date.now()),
      region,
      resources: e.Resources ?? [],
      detail: detail as { [key: string]: Json },
    };
    this.enterBus(bus, event, 0);
    return { EventId: event.id };
  }

  /** PutEvents may name another account's bus by ARN, if that bus's policy lets the caller's account put events. */
  private busForPutEvents(account: string, region: string, nameOrArn: string | undefined, source: string, detailType: string): BusRecord {
    const arn = nameOrArn?.startsWith('arn:') ? parseBusArn(nameOrArn) : undefined;
    if (!arn || (arn.account === account && arn.region === region)) return this.bus(account, region, nameOrArn);
    if (arn.region !== region) throw validation(`Event bus ${nameOrArn} is in another region: PutEvents puts events on buses in ${region}.`);
    const bus = this.space(arn.account, arn.region).buses.get(arn.name);
    if (!bus) throw new SandboxError('ResourceNotFoundException', `Event bus ${nameOrArn} does not exist.`);
    if (!policyAllowsPutEvents(bus.policy, { account, busArn: bus.arn, source, detailType }))
      throw new SandboxError('AccessDeniedException', `Account ${account} is not authorized to put events on ${bus.arn}.`);
    return bus;
  }

  /** An AWS service's event (CodePipeline's state changes), on the default bus of the account and region it names. */
  putServiceEvent(account: string, region: string, event: AwsEventEnvelope): void {
    this.enterBus(this.space(account, region).buses.get('default')!, { ...event, account, region }, 0);
  }

  /** A fresh event id, from the sandbox's seed (for services building their own envelopes). */
  newEventId(): string {
    return this.rng.uuid();
  }

  /** Matches the event against the bus's enabled rules and hands it to their targets. */
  private enterBus(bus: BusRecord, event: AwsEventEnvelope, hops: number): void {
    for (const rule of this.space(bus.account, bus.region).rules.values()) {
      if (rule.busName !== bus.name || rule.state === 'DISABLED' || !rule.compiled) continue;
      if (matchesPattern(rule.compiled, event as unknown as Json)) this.delivery.matched(rule, event, hops);
    }
  }

  testEventPattern(pattern: string, eventText: string): boolean {
    let compiled;
    try {
      compiled = compilePattern(pattern);
    } catch (err) {
      if (err instanceof InvalidPatternError) throw new SandboxError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${err.message}`);
      throw err;
    }
    let event: unknown;
    try {
      event = JSON.parse(eventText);
    } catch {
      throw validation('Parameter Event is not valid. Reason: it is not JSON.');
    }
    if (!event || typeof event !== 'object' || Array.isArray(event)) throw validation('Parameter Event is not valid. Reason: it is not a JSON object.');
    if (nestsDeeperThan(event, MAX_JSON_DEPTH)) throw validation(`Parameter Event is not valid. Reason: it nests deeper than ${MAX_JSON_DEPTH} levels.`);
    for (const field of ['id', 'account', 'source', 'time', 'region', 'detail-type'])
      if (!(field in event)) throw validation(`Parameter Event is not valid. Reason: the event has no "${field}" field.`);
    return matchesPattern(compiled, event as Json);
  }

  // --- Reading state (control API, tests, snapshots) ---------------------------

  ruleMetrics(ruleArn?: string): RuleMetrics[] {
    return this.delivery.ruleMetrics(ruleArn);
  }

  deliveries(since = 0): DeliveryRecord[] {
    return this.delivery.log(since);
  }

  /** Resolves once every pending delivery, retry and held event is done. */
  idle(): Promise<void> {
    return this.delivery.idle();
  }

  shutdown(): void {
    this.delivery.shutdown();
  }

  toSnapshot(): EventsSnapshot {
    const buses: BusRecord[] = [];
    const rules: EventsSnapshot['rules'] = [];
    for (const s of this.spaces.values()) {
      for (const b of s.buses.values()) if (b.name !== 'default' || b.policy || b.tags.length) buses.push(b);
      for (const { compiled: _compiled, ...r } of s.rules.values()) rules.push(r);
    }
    return { buses, rules };
  }

  /** Restores a snapshot's buses and rules; a rule whose pattern no longer compiles is kept, matching nothing. */
  loadSnapshot(snap: EventsSnapshot): void {
    for (const b of snap.buses) this.space(b.account, b.region).buses.set(b.name, b);
    for (const r of snap.rules) {
      let compiled;
      try {
        compiled = r.eventPattern === undefined ? undefined : compilePattern(r.eventPattern);
      } catch {
        compiled = undefined;
      }
      this.space(r.account, r.region).rules.set(ruleKey(r.busName, r.name), { ...r, ...(compiled ? { compiled } : {}) });
    }
  }
}

function checkTags(tags: Tag[]): void {
  if (tags.length > MAX_TAGS) throw validation(`A resource has at most ${MAX_TAGS} tags.`);
  if (new Set(tags.map((t) => t.Key)).size !== tags.length) throw validation('Tag keys must be unique.');
  for (const t of tags) if (t.Key.startsWith('aws:')) throw validation(`Tag key ${t.Key} is not valid: the aws: prefix is reserved.`);
}

/** Why the sandbox cannot take this target, or undefined. */
function targetProblem(rule: RuleRecord, t: TargetRecord): string | undefined {
  if ([t.Input, t.InputPath].filter((x) => x !== undefined).length > 1) return 'Only one of Input and InputPath may be given.';
  if (t.Input !== undefined) {
    try {
      JSON.parse(t.Input);
    } catch {
      return 'Input is not valid JSON text.';
    }
  }
  if (t.InputPath !== undefined && !parsePath(t.InputPath)) return `InputPath ${t.InputPath} is not a JSONPath the sandbox reads ($, $.a.b, $.a[0]).`;
  const bus = parseBusArn(t.Arn);
  if (bus) {
    if (t.Input !== undefined || t.InputPath !== undefined)
      return 'The sandbox forwards whole events to event buses: Input and InputPath are for other targets.';
    if (bus.region !== rule.region) return `Event bus ${t.Arn} is in another region: the sandbox delivers to event buses in ${rule.region} only.`;
    if (bus.account === rule.account && bus.name === rule.busName) return 'A rule cannot target its own event bus.';
    // Since March 2023 EventBridge requires a role for a new event bus target in another account; the
    // guide's bus-to-bus setup in one account uses one too.
    if (!t.RoleArn) return `RoleArn is required for target ${t.Arn}.`;
  } else if (!parseQueueArn(t.Arn) && !/^arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/.test(t.Arn)) {
    return `Parameter ${t.Arn} is not valid. Reason: Provided Arn is not in correct format.`;
  }
  const dlq = t.DeadLetterConfig?.Arn;
  if (dlq !== undefined) {
    const q = parseQueueArn(dlq);
    if (!q || q.name.endsWith('.fifo')) return `DeadLetterConfig.Arn ${dlq} is not a standard SQS queue ARN.`;
    if (q.region !== rule.region) return `The dead-letter queue must be in the rule's region (${rule.region}).`;
  }
  return undefined;
}

/** PutEvents' entry size as EventBridge counts it. */
function entrySize(e: PutEventsEntry): number {
  const b = (s: string | undefined) => (s === undefined ? 0 : Buffer.byteLength(s));
  return (e.Time !== undefined ? 14 : 0) + b(e.Source) + b(e.DetailType) + b(e.Detail) + (e.Resources ?? []).reduce((n, r) => n + b(r), 0);
}
