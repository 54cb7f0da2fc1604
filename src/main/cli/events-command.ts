// `pipewright events …`: live updates (issue 24) from a terminal. setup prints the
// plan, then creates it on --yes or a typed "yes" (or writes the CloudFormation
// templates and creates nothing); status says per target whether it is
// event-driven, polled or degraded, and why; test sends an event end to end;
// remove prints what it would delete, then deletes it on confirmation.
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { writeFileAtomic } from '../../node/atomic-file';
import { EventsSetupInput, EventsTargetsInput, type ResourceOutcome } from '../../shared/api/events';
import { describePlan } from '../../shared/events/setup-plan';
import {
  accountProductionWord,
  confirm,
  ConfirmationError,
  productionReason,
  unconfirmedProductionAccounts,
  type Confirmed,
  type ConfirmRequest,
  type LiveUpdatesChange,
} from '../../shared/safety/confirmation';
import { prompter, stdio, type Io } from './prompter';
import { terminalLine } from '../../shared/terminal-text';
import { withServices } from './cli-services';
import { EXIT, UsageError, type ExitCode } from './exit-codes';
import { table } from './table';

function checked<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(r.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  return r.data;
}

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * A person's confirmation of a live-updates change: --yes, or "yes" typed; and each
 * production (or unknown) account's word, from --confirm-prod or typed when asked.
 * With --yes, a word missing is said with the flag to add (exit 2), never asked.
 * The end of input answers "" (no), so a script without --yes never hangs.
 */
async function confirmChange<K extends 'events-setup' | 'events-remove'>(
  io: Io,
  request: LiveUpdatesChange<K>,
  o: { yes: boolean; confirmProd: string[] },
  question: string,
  nothingDone: string,
): Promise<Confirmed<K> | ExitCode> {
  const typed = { words: [], production: [...o.confirmProd] };
  const missing = unconfirmedProductionAccounts(request.accounts, typed);
  if (o.yes) {
    for (const a of missing)
      io.err.write(terminalLine(`${upperFirst(productionReason(a))}. Confirm it: add --confirm-prod ${accountProductionWord(a)}`) + '\n');
    if (missing.length) return EXIT.usage;
  } else {
    const prompt = prompter(io.input, io.out);
    try {
      if (!/^(y|yes)$/i.test(await prompt.ask(question))) {
        io.out.write(nothingDone + '\n');
        return EXIT.stopped;
      }
      for (const a of missing)
        typed.production.push(await prompt.ask(terminalLine(`${upperFirst(productionReason(a))}. Type "${accountProductionWord(a)}" to confirm: `)));
    } finally {
      prompt.close();
    }
  }
  try {
    // K is one kind of the union: the request is that member, and so is what confirm() issues.
    return confirm(request as ConfirmRequest, typed) as Confirmed<K>;
  } catch (err) {
    if (!(err instanceof ConfirmationError)) throw err;
    io.err.write(terminalLine(err.message) + '\n' + nothingDone + '\n');
    return EXIT.usage;
  }
}

const outcomeLine = (o: ResourceOutcome) =>
  terminalLine(`${o.outcome.padEnd(9)} ${o.id} (${o.name}, ${o.account} ${o.region})${o.message ? `: ${o.message}` : ''}${o.awsCode ? ` [${o.awsCode}]` : ''}`);

/** The hub template goes beside the member one: events.yaml → events-hub.yaml. */
export function hubTemplatePath(file: string): string {
  const ext = extname(file);
  return join(dirname(file), `${basename(file, ext)}-hub${ext || '.yaml'}`);
}

export async function runEventsSetup(
  o: { profile: string; region: string[]; hubProfile?: string; hubRegion?: string; yes: boolean; confirmProd?: string[]; templateOut?: string },
  io: Io = stdio,
): Promise<ExitCode> {
  const input = checked(EventsSetupInput, {
    targets: [{ profile: o.profile, regions: o.region }],
    ...(o.hubProfile ? { hubProfile: o.hubProfile } : {}),
    ...(o.hubRegion ? { hubRegion: o.hubRegion } : {}),
  });
  return withServices(async ({ liveUpdates }) => {
    const plan = await liveUpdates.plan(input);
    io.out.write(
      `Live updates for ${o.profile} in ${o.region.join(', ')}, hub ${plan.hub.accountId} (${plan.hub.profile}): ${plan.resources.length} resources\n`,
    );
    for (const line of describePlan(plan)) io.out.write(terminalLine(line) + '\n');
    if (o.templateOut) {
      const templates = await liveUpdates.templates(input);
      const member = resolve(o.templateOut);
      const hub = hubTemplatePath(member);
      await writeFileAtomic(member, templates.member);
      await writeFileAtomic(hub, templates.hub);
      io.out.write(`Wrote the member template (a StackSet over the watched accounts and regions) to ${member}\n`);
      io.out.write(`Wrote the hub template (the hub account, each hub region) to ${hub}\nNothing was created.\n`);
      return EXIT.ok;
    }
    // What was printed is what is confirmed: a resource the plan names at the moment of acting and not above is skipped.
    const seen = plan.resources.map((r) => r.id);
    const confirmed = await confirmChange(
      io,
      await liveUpdates.setupRequest(input, seen),
      { yes: o.yes, confirmProd: o.confirmProd ?? [] },
      `Create these ${plan.resources.length} resources? Type yes: `,
      'Nothing was created.',
    );
    if (typeof confirmed === 'number') return confirmed;
    const result = await liveUpdates.apply(input, { confirmed, resources: seen }, (x) => io.out.write(outcomeLine(x) + '\n'));
    if (!result.ok) io.err.write('Some resources were not created (above): fix what they say, then run the same command again to resume.\n');
    else io.out.write(`Done. Check it end to end: pipewright events test --profile ${o.profile} --region ${o.region[0]}\n`);
    return result.ok ? EXIT.ok : EXIT.failed;
  }, io.err);
}

/** "12 s ago", "4 min ago", "3 h ago", "2 d ago": how long since `iso`, as a person reads it. */
export function ageOf(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(s)) return iso;
  if (s < 120) return `${s} s ago`;
  if (s < 120 * 60) return `${Math.floor(s / 60)} min ago`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export async function runEventsStatus(o: { json: boolean }, io: Io = stdio): Promise<ExitCode> {
  return withServices(async ({ liveUpdates, coverage }) => {
    // This process reads no queue; the reader on this machine (the app, a watch) left what it heard for status to read.
    const targets = await liveUpdates.status(undefined, { lastEvent: (t) => coverage.lastEvent(t) });
    if (o.json) io.out.write(JSON.stringify({ targets }, null, 2) + '\n');
    else if (!targets.length) io.out.write('No targets in the workspace.\n');
    else
      io.out.write(
        table([
          ['PROFILE', 'REGION', 'ACCOUNT', 'MODE', 'HUB', 'LAST EVENT', 'WHY'],
          ...targets.map((t) => [
            t.profile,
            t.region,
            t.accountId ?? '?',
            t.mode,
            t.hub ? `${t.hub.accountId} ${t.hub.region}` : '-',
            t.lastEventAt ? ageOf(t.lastEventAt) : '-',
            terminalLine(`${t.reason ?? ''}${t.awsCode ? ` [${t.awsCode}]` : ''}`),
          ]),
        ]),
      );
    // A target whose rule could not be read has no verdict: the evidence is incomplete.
    return targets.some((t) => !t.verified) ? EXIT.unverified : EXIT.ok;
  }, io.err);
}

export async function runEventsTest(o: { profile: string; region: string }, io: Io = stdio): Promise<ExitCode> {
  return withServices(async ({ liveUpdates }) => {
    const r = await liveUpdates.test(o.profile, o.region);
    (r.ok ? io.out : io.err).write(terminalLine(`${r.ok ? 'ok' : 'failed'}: ${r.message}${r.awsCode ? ` [${r.awsCode}]` : ''}`) + '\n');
    return r.ok ? EXIT.ok : EXIT.failed;
  }, io.err);
}

export async function runEventsRemove(o: { profile: string; region: string[]; yes: boolean; confirmProd?: string[] }, io: Io = stdio): Promise<ExitCode> {
  const input = checked(EventsTargetsInput, { targets: [{ profile: o.profile, regions: o.region }] });
  return withServices(async ({ liveUpdates }) => {
    const { view, resources } = await liveUpdates.removePlan(input);
    for (const u of view.unreadable) io.err.write(outcomeLine(u) + '\n');
    for (const k of view.keep) io.out.write(terminalLine(`keep      ${k.id} (${k.name}, ${k.account} ${k.region}): ${k.why}`) + '\n');
    if (!view.remove.length) {
      io.out.write('Nothing of the setup to remove.\n');
      return view.unreadable.length ? EXIT.unverified : EXIT.ok;
    }
    for (const r of view.remove) io.out.write(terminalLine(`- ${r.summary} (${r.account} ${r.region})`) + '\n');
    const seen = resources.map((r) => r.id);
    const confirmed = await confirmChange(
      io,
      await liveUpdates.changeRequest('events-remove', resources, seen),
      { yes: o.yes, confirmProd: o.confirmProd ?? [] },
      `Delete these ${view.remove.length} resources? Type yes: `,
      'Nothing was deleted.',
    );
    if (typeof confirmed === 'number') return confirmed;
    // Remove plans again at the moment of acting, and deletes only what it names then among what was confirmed here.
    const result = await liveUpdates.remove(input, { confirmed, resources: seen }, (x) => io.out.write(outcomeLine(x) + '\n'));
    return result.ok ? (view.unreadable.length ? EXIT.unverified : EXIT.ok) : EXIT.failed;
  }, io.err);
}
