// Profiles and identities, as a feature: list and check profiles, answer MFA
// prompts, and sign in with IAM Identity Center (a job, with the device code as an event).
import { AppError } from '../../shared/api/errors';
import { isAllowedExternalUrl } from '../../shared/api/external-links';
import { ssoDeviceLogin } from './sso-login-calls';
import type { AccountsService } from './service';
import type { Events, HandlerSlice, Jobs } from '../rpc/handler-slice';

type AccountsMethods = 'accounts.list' | 'accounts.check' | 'accounts.answerMfa' | 'accounts.cancelMfa' | 'accounts.ssoLogin';

export function accountsFeature({
  accounts,
  jobs,
  events,
  openExternal,
}: {
  accounts: AccountsService;
  jobs: Jobs;
  events: Events;
  openExternal?: (url: string) => void;
}): {
  handlers: HandlerSlice<AccountsMethods>;
} {
  return {
    handlers: {
      'accounts.list': async ({ reload }) => {
        if (reload) await accounts.reload();
        return accounts.view();
      },
      'accounts.check': async ({ profiles, interactive }) => ({ profiles: await accounts.check(profiles, !!interactive) }),
      'accounts.answerMfa': ({ promptId, code }) => ({ accepted: accounts.answerMfa(promptId, code) }),
      'accounts.cancelMfa': ({ promptId }) => ({ cancelled: accounts.cancelMfa(promptId) }),
      'accounts.ssoLogin': ({ profile }, ctx) => {
        const p = accounts.profile(profile);
        if (p.kind !== 'sso') throw new AppError('BAD_REQUEST', `Profile ${profile} does not use IAM Identity Center.`);
        const jobId = jobs.start('accounts.ssoLogin', ctx.clientId, async (job) => {
          job.progress(0, 2, 'Waiting for you to confirm the code in the browser');
          const r = await ssoDeviceLogin(p, {
            signal: job.signal,
            onPrompt: (verificationUri, userCode) => {
              events.emit('accounts.ssoPrompt', { profile, verificationUri, userCode });
              if (isAllowedExternalUrl(verificationUri)) openExternal?.(verificationUri);
            },
          });
          job.progress(1, 2, `Signed in until ${r.expiresAt}; checking the profile`);
          accounts.broker.invalidate(profile);
          await accounts.check([profile], false, job.signal);
          job.progress(2, 2, 'Signed in');
        });
        return { jobId };
      },
    },
  };
}
