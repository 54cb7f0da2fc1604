// Releases, as a feature: saved release files, the board, promotions followed in
// the main process (resumed after a restart: a promotion knows what it started),
// approvals answered together, the release log and environment drift. A release is
// in the local home (by application) or shared in S3 (`location`, with its `stateProfile`).
import type { MethodName } from '../../shared/api/contract';
import { AppError } from '../../shared/api/errors';
import { parseReleaseFile, releaseErrorsText, stringifyReleaseFile } from '../../shared/releases/release-file';
import type { ReleaseHome, ReleasesService } from './service';
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

  /** The home a call names: a shared release's location (opened once per location and profile), else the local home. */
  const homeOf = (i: { location?: string; stateProfile?: string }) => releases.home(i.location, { stateProfile: i.stateProfile });
  const definition = async (home: ReleaseHome, application: string) => (await home.storage.definition(application)).release;
  const follow = (p: Parameters<ReleasesService['follow']>[0], home: ReleaseHome) =>
    void releases.follow(p, { signal: following.signal, home }).catch((err: unknown) => log(`releases: following ${p.id} failed: ${String(err)}`));

  return {
    stop: () => following.abort(),
    handlers: {
      'releases.list': async () => ({ releases: await releases.store.list() }),
      'releases.parse': ({ text }) => {
        const r = parseReleaseFile(text);
        return r.ok ? { release: r.release, errors: [] } : { release: null, errors: r.errors };
      },
      'releases.save': async ({ text, location, stateProfile, version }) => {
        const r = parseReleaseFile(text);
        if (!r.ok) throw new AppError('INVALID_INPUT', releaseErrorsText('release file', r.errors), { errors: r.errors });
        const home = await homeOf({ location, stateProfile });
        // A shared file is saved only over the version read (or created where there is none): never over a colleague's.
        if (home.kind === 'shared') await home.storage.saveDefinition(r.release, version === undefined ? {} : { basedOn: version });
        else await home.storage.saveDefinition(r.release);
        const problems = (await releases.check(r.release)).map((p) => ({
          environment: p.environment,
          pipeline: p.target.pipeline,
          profile: p.target.profile,
          region: p.target.region,
          problem: p.problem,
        }));
        await home.storage.log(r.release.application, {
          promotionId: null,
          environment: null,
          event: 'release-saved',
          message: `Release file saved (${r.release.environments.length} environments)${problems.length ? `; ${problems.length} target problem(s)` : ''}.`,
        });
        return { release: r.release, problems };
      },
      'releases.get': async ({ application, ...where }) => (await homeOf(where)).storage.definition(application),
      'releases.open': async ({ location, stateProfile }) => {
        const home = await releases.sharedHome(location, { stateProfile });
        const d = await home.storage.openRelease();
        return {
          application: d.release.application,
          ...d,
          location: home.location,
          stateProfile: home.writer.profile,
          identity: home.writer.arn,
        };
      },
      'releases.share': async ({ application, to, stateProfile }) => {
        const { release } = await releases.store.definition(application);
        return releases.share(release, to, { stateProfile });
      },
      'releases.lease': async ({ location, environment, stateProfile }) => ({
        lease: await releases.lease(await releases.sharedHome(location, { stateProfile }), environment),
      }),
      'releases.init': async ({ application, environments }) => {
        const release = await releases.init(application, environments);
        return { release, text: stringifyReleaseFile(release) };
      },
      'releases.board': async ({ application, ...where }) => {
        const home = await homeOf(where);
        return releases.board(await definition(home, application), { home });
      },
      'releases.promote': async ({ application, location, stateProfile, environment, revision, confirmed, allowUnpinned }) => {
        const home = await homeOf({ location, stateProfile });
        const out = await releases.promote(await definition(home, application), environment, { revision, confirmed, allowUnpinned, home });
        if (out.kind === 'blocked')
          return { promotion: null, resumed: false, blocked: { kind: out.gate.kind, reason: out.gate.reason, openAt: out.gate.openAt } };
        follow(out.promotion, home);
        return { promotion: out.promotion, resumed: out.resumed, blocked: null };
      },
      'releases.approve': async ({ application, promotionId, confirmation, ...where }) => {
        const home = await homeOf(where);
        const p = await releases.promotion(application, promotionId, { home });
        return releases.approve(p, confirm(await releases.resolveApprovalRequest(p), { words: [confirmation] }), { home });
      },
      'releases.stop': async ({ application, promotionId, reason, ...where }) => releases.stop(application, promotionId, reason, { home: await homeOf(where) }),
      'releases.history': async ({ application, ...where }) => ({ entries: await releases.history(application, { home: await homeOf(where) }) }),
      'releases.diff': async ({ application, from, to, ...where }) => releases.diff(await definition(await homeOf(where), application), from, to),
    },
  };
}
