// Releases, as a feature: saved release files, the board, promotions followed in
// the main process (resumed after a restart: a promotion knows what it started),
// approvals answered together, the release log and environment drift.
import type { MethodName } from '../../shared/api/contract';
import { AppError } from '../../shared/api/errors';
import { parseReleaseFile, releaseErrorsText, stringifyReleaseFile } from '../../shared/releases/release-file';
import type { ReleasesService } from './service';
import type { Events, HandlerSlice } from '../rpc/handler-slice';
import { confirm } from '../../shared/safety/confirmation';

type ReleasesMethods = Extract<MethodName, `releases.${string}`>;

export interface ReleasesDeps {
  releases: ReleasesService;
  events: Events;
  log: (line: string) => void;
  /** Resolves when the app can reach its targets (the embedded sandbox, when asked for, is up). */
  ready?: Promise<void>;
}

export function releasesFeature({ releases, events, log, ready = Promise.resolve() }: ReleasesDeps): {
  handlers: HandlerSlice<ReleasesMethods>;
  stop: () => void;
} {
  const following = new AbortController();
  releases.onChange((c) => events.emit('release.updated', c));
  // Promotions left running by a previous run of the app (or a CLI that was stopped) are followed again,
  // once the targets can be reached: a resume before the sandbox is up would find its profiles missing.
  void ready
    .then(() => releases.resumeAll(following.signal))
    .then(({ resumed, notResumed }) => {
      if (resumed) log(`Resumed ${resumed} release promotion(s).`);
      // Said, never skipped in silence: a promotion left running there is not followed until its file is repaired.
      for (const n of notResumed) log(`Could not resume the promotions of ${n.application}: ${n.reason}`);
    })
    .catch((err: unknown) => log(`Could not resume release promotions: ${err instanceof Error ? err.message : String(err)}`));

  const definition = async (application: string) => (await releases.store.definition(application)).release;
  const promotion = async (application: string, id: string) => {
    const p = (await releases.store.promotions(application)).find((x) => x.id === id);
    if (!p) throw new AppError('NOT_FOUND', `No promotion ${id} in ${application}.`);
    return p;
  };
  const follow = (p: Parameters<ReleasesService['follow']>[0]) =>
    void releases.follow(p, { signal: following.signal }).catch((err: unknown) => log(`releases: following ${p.id} failed: ${String(err)}`));

  return {
    stop: () => following.abort(),
    handlers: {
      'releases.list': async () => ({ releases: await releases.store.list() }),
      'releases.parse': ({ text }) => {
        const r = parseReleaseFile(text);
        return r.ok ? { release: r.release, errors: [] } : { release: null, errors: r.errors };
      },
      'releases.save': async ({ text }) => {
        const r = parseReleaseFile(text);
        if (!r.ok) throw new AppError('INVALID_INPUT', releaseErrorsText('release file', r.errors), { errors: r.errors });
        await releases.store.saveDefinition(r.release);
        const problems = (await releases.check(r.release)).map((p) => ({
          environment: p.environment,
          pipeline: p.target.pipeline,
          profile: p.target.profile,
          region: p.target.region,
          problem: p.problem,
        }));
        await releases.store.log(r.release.application, {
          promotionId: null,
          environment: null,
          event: 'release-saved',
          message: `Release file saved (${r.release.environments.length} environments)${problems.length ? `; ${problems.length} target problem(s)` : ''}.`,
        });
        return { release: r.release, problems };
      },
      'releases.get': ({ application }) => releases.store.definition(application),
      'releases.init': async ({ application, environments }) => {
        const release = await releases.init(application, environments);
        return { release, text: stringifyReleaseFile(release) };
      },
      'releases.board': async ({ application }) => releases.board(await definition(application)),
      'releases.promote': async ({ application, environment, revision, confirmed, allowUnpinned }) => {
        const out = await releases.promote(await definition(application), environment, { revision, confirmed, allowUnpinned });
        if (out.kind === 'blocked')
          return { promotion: null, resumed: false, blocked: { kind: out.gate.kind, reason: out.gate.reason, openAt: out.gate.openAt } };
        follow(out.promotion);
        return { promotion: out.promotion, resumed: out.resumed, blocked: null };
      },
      'releases.approve': async ({ application, promotionId, confirmation }) => {
        const p = await promotion(application, promotionId);
        return releases.approve(p, confirm(await releases.resolveApprovalRequest(p), { words: [confirmation] }));
      },
      'releases.stop': ({ application, promotionId, reason }) => releases.stop(application, promotionId, reason),
      'releases.history': async ({ application }) => ({ entries: await releases.store.history(application) }),
      'releases.diff': async ({ application, from, to }) => releases.diff(await definition(application), from, to),
    },
  };
}
