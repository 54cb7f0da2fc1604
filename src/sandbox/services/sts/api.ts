// STS over the query protocol (form-encoded in, XML out): GetCallerIdentity,
// AssumeRole (trust allowlist, optional MFA) and GetSessionToken (MFA).
import type { SandboxConfig } from '../../config';
import { SandboxError } from '../../errors';
import type { ServiceRequest, ServiceResponse } from '../../http-types';
import type { Principals } from '../../principals';
import { queryParams, respond } from '../query-protocol';

const ROLE_ARN_RE = /^arn:aws:iam::(\d{12}):role\/([\w+=,.@/-]{1,64})$/;

/** Temporary credentials as STS answers them. */
const credentialsOf = (creds: ReturnType<Principals['issueTemporary']>) => ({
  AccessKeyId: creds.accessKeyId,
  SecretAccessKey: creds.secretAccessKey,
  SessionToken: creds.sessionToken,
  Expiration: new Date(creds.expiresAt ?? 0).toISOString(),
});

function duration(params: URLSearchParams, def: number, min: number, max: number): number {
  const raw = params.get('DurationSeconds');
  if (raw === null) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new SandboxError(
      'ValidationError',
      `1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  return n;
}

function checkMfa(config: SandboxConfig, accountId: string, params: URLSearchParams, required: boolean): boolean {
  const serial = params.get('SerialNumber');
  const code = params.get('TokenCode');
  if (!serial && !code) {
    if (required) throw new SandboxError('AccessDenied', 'MultiFactorAuthentication failed: this role requires MFA (SerialNumber and TokenCode).', 403);
    return false;
  }
  if (!serial || !code) throw new SandboxError('ValidationError', 'SerialNumber and TokenCode must be given together.');
  if (!/^\d{6}$/.test(code))
    throw new SandboxError(
      'ValidationError',
      `1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*`,
    );
  if (serial !== `arn:aws:iam::${accountId}:mfa/${config.mfa.deviceName}` || code !== config.mfa.code)
    throw new SandboxError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.', 403);
  return true;
}

export function handleSts(req: ServiceRequest, config: SandboxConfig, principals: Principals): ServiceResponse {
  const params = queryParams(req);
  const action = params.get('Action') ?? '';
  req.operation = action || 'Unknown';
  const p = req.principal;
  switch (action) {
    case 'GetCallerIdentity':
      return respond(action, { Arn: p.arn, UserId: p.userId, Account: p.accountId }, req.requestId);
    case 'AssumeRole': {
      const roleArn = params.get('RoleArn') ?? '';
      const sessionName = params.get('RoleSessionName') ?? '';
      if (!/^[\w+=,.@-]{2,64}$/.test(sessionName))
        throw new SandboxError('ValidationError', "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint.");
      const m = ROLE_ARN_RE.exec(roleArn);
      const denied = () => new SandboxError('AccessDenied', `User: ${p.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
      if (!m) throw new SandboxError('ValidationError', `${roleArn} is invalid`);
      const [, targetAccount, roleName] = m;
      const role = config.roles.find((r) => r.name === roleName);
      if (!role || !principals.account(targetAccount)) throw denied();
      if (!role.trustedAccounts.includes('*') && !role.trustedAccounts.includes(p.accountId)) throw denied();
      const mfa = checkMfa(config, p.accountId, params, role.requireMfa) || !!p.mfaAuthenticated;
      const secs = duration(params, 3600, 900, 43_200);
      const assumedArn = `arn:aws:sts::${targetAccount}:assumed-role/${roleName}/${sessionName}`;
      const roleId = `AROA${targetAccount}${roleName
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .slice(0, 8)}`;
      const creds = principals.issueTemporary(targetAccount, assumedArn, `${roleId}:${sessionName}`, secs, mfa);
      return respond(
        action,
        {
          Credentials: credentialsOf(creds),
          AssumedRoleUser: { AssumedRoleId: `${roleId}:${sessionName}`, Arn: assumedArn },
        },
        req.requestId,
      );
    }
    case 'GetSessionToken': {
      if (p.sessionToken) throw new SandboxError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
      const mfa = checkMfa(config, p.accountId, params, false);
      const secs = duration(params, 43_200, 900, 129_600);
      const creds = principals.issueTemporary(p.accountId, p.arn, p.userId, secs, mfa);
      return respond(
        action,
        {
          Credentials: credentialsOf(creds),
        },
        req.requestId,
      );
    }
    default:
      throw new SandboxError('InvalidAction', `Could not find operation ${action.slice(0, 64)} for version 2011-06-15`);
  }
}
