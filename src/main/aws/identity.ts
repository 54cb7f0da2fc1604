// Who a profile is: STS GetCallerIdentity, plus the account alias where
// iam:ListAccountAliases allows it.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import type { AwsClients } from './clients';
import type { CallGate } from './fanout';
import type { ProfileInfo } from './profiles';

export interface Identity {
  accountId: string;
  arn: string;
  alias: string | null;
}

export async function whoAmI(clients: AwsClients, profile: ProfileInfo, gate: CallGate, signal?: AbortSignal): Promise<Identity> {
  const region = profile.region ?? 'us-east-1';
  // Both at once: the alias does not depend on the identity. No iam:ListAccountAliases
  // permission is common, and then the account id has to do.
  const [me, alias] = await Promise.all([
    gate(() => clients.sts(profile, region).send(new GetCallerIdentityCommand({}), { abortSignal: signal })),
    gate(() => clients.iam(profile).send(new ListAccountAliasesCommand({}), { abortSignal: signal })).then(
      (r) => r.AccountAliases?.[0] ?? null,
      () => null,
    ),
  ]);
  return { accountId: me.Account ?? '', arn: me.Arn ?? '', alias };
}
