// The explorer's data: every pipeline of every (profile, region) target in the
// workspace, through the fan-out engine, streamed to the renderer as each page
// of rows is ready. Per-target failures are reported as data.
import type { PipelineDetails, PipelineRow, TargetRef } from '../../shared/api/pipelines';
import type { ClassifiedError } from '../aws/errors';
import { getPipelineDetails, listPipelineRows } from '../aws/pipeline-queries';
import type { ProfileInfo } from '../aws/profiles';
import type { AwsAccess } from '../aws/access';
import { whoAmI } from '../aws/identity';
import { budgetKeyFor, type CallBudget } from '../aws/call-budget';
import type { CallGate } from '../aws/fanout';

export interface ListCallbacks {
  onRows(target: TargetRef, rows: PipelineRow[]): void;
  onError(target: TargetRef, error: ClassifiedError): void;
  onTargetDone(done: number, total: number): void;
}

export interface ListSummary {
  targets: number;
  failedTargets: number;
  rows: PipelineRow[];
  errors: Array<{ target: TargetRef; error: ClassifiedError }>;
}

export class PipelinesService {
  constructor(
    private accounts: AwsAccess,
    /** The (account, region) call budget the watchers share: the listing's calls count against it. */
    private budget?: CallBudget,
  ) {}

  /** The (profile, region) pairs to cover: the workspace, or a chosen subset. */
  targets(subset?: Array<{ profile: string; region: string }>): Array<{ profile: ProfileInfo; region: string }> {
    if (subset?.length) return subset.map((t) => ({ profile: this.accounts.profile(t.profile), region: t.region }));
    const ws = this.accounts.workspace();
    return ws.profiles.flatMap((profile) => ws.regions.map((region) => ({ profile, region })));
  }

  async list(pairs: Array<{ profile: ProfileInfo; region: string }>, cb: ListCallbacks, signal: AbortSignal): Promise<ListSummary> {
    const { fanout, clients } = this.accounts;
    const summary: ListSummary = { targets: pairs.length, failedTargets: 0, rows: [], errors: [] };
    let done = 0;
    const byId = new Map<string, PipelineRow>();
    // Who each profile is, once per profile: account ids and aliases label the rows.
    const identities = new Map<string, ReturnType<typeof whoAmI>>();
    const identity = (p: ProfileInfo) => {
      let id = identities.get(p.name);
      if (!id) {
        const cached = this.accounts.identityOf(p.name);
        id =
          cached?.state === 'ok' && cached.accountId
            ? Promise.resolve({ accountId: cached.accountId, arn: cached.arn ?? '', alias: cached.alias })
            : whoAmI(clients, p, fanout.gate(`identity:${p.name}`, signal), signal).then((who) => {
                this.accounts.recordIdentity(p, who);
                return who;
              });
        identities.set(p.name, id);
      }
      return id;
    };
    const ref = (p: ProfileInfo, region: string, acct?: { accountId: string; alias: string | null }): TargetRef => ({
      profile: p.name,
      region,
      accountId: acct?.accountId ?? this.accounts.identityOf(p.name)?.accountId ?? null,
      alias: acct?.alias ?? this.accounts.identityOf(p.name)?.alias ?? null,
    });
    await fanout.run(
      pairs.map((t) => ({ ...t, key: `${t.profile.name}|${t.region}` })),
      async (t, gate, sig) => {
        const who = identity(t.profile);
        // A failed identity fails the target; keep its rejection from going unhandled meanwhile.
        who.catch(() => {});
        // Not throttled by the budget (the listing has its own caps), but counted in it.
        const counted: CallGate = (call) => {
          this.budget?.spend(budgetKeyFor(this.accounts.identityOf(t.profile.name), t.profile.name, t.region));
          return gate(call);
        };
        return listPipelineRows(clients, { profile: t.profile, region: t.region, identity: who }, counted, sig, (rows) => {
          // One row per pipeline: a second profile reaching the same account is added to the row it already has.
          const merged = rows.map((r) => {
            const seen = byId.get(r.id);
            if (seen) {
              if (!seen.profiles.includes(t.profile.name)) seen.profiles = [...seen.profiles, t.profile.name];
              return seen;
            }
            const row = { ...r, profiles: [t.profile.name] };
            byId.set(row.id, row);
            summary.rows.push(row);
            return row;
          });
          const first = rows[0];
          cb.onRows(ref(t.profile, t.region, first ? { accountId: first.accountId, alias: first.accountAlias } : undefined), merged);
        });
      },
      {
        signal,
        onOutcome: (o) => {
          done++;
          if (!o.ok && o.error) {
            summary.failedTargets++;
            const target = ref(o.target.profile, o.target.region);
            summary.errors.push({ target, error: o.error });
            cb.onError(target, o.error);
          }
          cb.onTargetDone(done, pairs.length);
        },
      },
    );
    return summary;
  }

  async get(profileName: string, region: string, name: string): Promise<PipelineDetails> {
    const profile = this.accounts.profile(profileName);
    const gate = this.accounts.fanout.gate(`${profile.name}|${region}`);
    return getPipelineDetails(this.accounts.clients, profile, region, name, gate, this.accounts.identityOf(profile.name)?.accountId ?? null);
  }
}
