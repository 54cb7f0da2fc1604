// An ~/.aws/config for e2e sessions that use real (sandbox) credentials through
// the user's own files: static keys, a role chain, and a role that needs MFA.
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';

export const SANDBOX_SECRETS = DEFAULT_ACCOUNTS.flatMap((a) => [a.accessKeyId, a.secretAccessKey]);

export function awsConfigForSandbox(endpoint: string): string {
  const dev = DEFAULT_ACCOUNTS[0];
  return `[profile team-dev]
region = us-east-1
endpoint_url = ${endpoint}
aws_access_key_id = ${dev.accessKeyId}
aws_secret_access_key = ${dev.secretAccessKey}

[profile team-prod]
role_arn = arn:aws:iam::333333333333:role/PipewrightAdmin
source_profile = team-dev
region = eu-west-1
endpoint_url = ${endpoint}

[profile team-prod-mfa]
role_arn = arn:aws:iam::333333333333:role/PipewrightMfaAdmin
source_profile = team-dev
mfa_serial = arn:aws:iam::111111111111:mfa/sandbox-user
region = ap-southeast-2
endpoint_url = ${endpoint}
`;
}
