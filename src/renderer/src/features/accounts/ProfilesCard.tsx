// Profiles with their states; check, enter MFA, or log in to SSO from here.
import type { ProfileView } from '../../../../shared/api/accounts';
import { useAccountsStore } from './accounts-store';
import { checkProfiles, ssoLogin } from './accounts-actions';

const STATE_LABEL: Record<ProfileView['state'], string> = {
  unchecked: 'Not checked',
  ok: 'OK',
  expired: 'Expired',
  'needs-mfa': 'Needs MFA',
  'needs-sso-login': 'Needs SSO login',
  error: 'Error',
  unreachable: 'Unreachable',
};

export function ProfilesCard() {
  const accounts = useAccountsStore((s) => s.accounts);
  const checking = useAccountsStore((s) => s.checking);
  if (!accounts) return <p className="muted">Loading profiles…</p>;
  const groups: Array<[string, ProfileView[]]> = [
    ['AWS profiles', accounts.profiles.filter((p) => p.group === 'aws')],
    ['Sandbox (local)', accounts.profiles.filter((p) => p.group === 'sandbox')],
  ];
  return (
    <section className="card" aria-labelledby="profiles-h" data-testid="profiles-card">
      <div className="row">
        <h2 id="profiles-h">Profiles</h2>
        <span className="spacer" />
        <button type="button" className="button" data-testid="check-all" disabled={checking} onClick={() => void checkProfiles()}>
          {checking ? 'Checking…' : 'Check all'}
        </button>
      </div>
      <p className="muted small" data-testid="profiles-source">
        {accounts.files.configExists || accounts.files.credentialsExists ? (
          <>
            From {accounts.files.configExists ? <code>{accounts.files.config}</code> : null}
            {accounts.files.configExists && accounts.files.credentialsExists ? ' and ' : null}
            {accounts.files.credentialsExists ? <code>{accounts.files.credentials}</code> : null}
            {!accounts.files.configExists ? (
              <>
                {' '}
                (there is no <code>{accounts.files.config}</code>)
              </>
            ) : null}
            . Keys stay in the main process.
          </>
        ) : (
          <>
            There is no <code>{accounts.files.config}</code> or <code>{accounts.files.credentials}</code> yet. To add a profile, run{' '}
            <code>aws configure --profile NAME</code> (or <code>aws configure sso</code>), or write a <code>[profile NAME]</code> section into{' '}
            <code>{accounts.files.config}</code>; then Check all. Meanwhile the sandbox&apos;s profiles below work with no AWS account.
          </>
        )}
      </p>
      {accounts.configProblems.length > 0 && (
        <ul className="banner banner-warning" data-testid="config-problems">
          {accounts.configProblems.map((p) => (
            <li key={`${p.file}:${p.line}:${p.message}`}>
              <code>
                {p.file}:{p.line}
              </code>{' '}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      {groups.map(([title, list]) =>
        list.length === 0 ? null : (
          <table className="table" key={title} data-testid={`profiles-${title.startsWith('Sandbox') ? 'sandbox' : 'aws'}`}>
            <caption>{title}</caption>
            <thead>
              <tr>
                <th>Profile</th>
                <th>How</th>
                <th>Region</th>
                <th>Account</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr key={p.name} data-testid="profile-row" data-profile={p.name}>
                  <td>
                    {p.name} {p.group === 'sandbox' && <span className="badge">Sandbox</span>}
                    {p.chain.length > 1 && <div className="muted small">via {p.chain.slice(1).join(' → ')}</div>}
                  </td>
                  <td>
                    {p.kind}
                    {p.mfa ? ' + MFA' : ''}
                  </td>
                  <td>{p.region ?? <span className="muted">—</span>}</td>
                  <td>
                    {p.alias ?? ''} {p.accountId && <code>{p.accountId}</code>}
                  </td>
                  <td>
                    <span className={`state state-${p.state}`} data-testid="profile-state" title={p.message ?? ''}>
                      {STATE_LABEL[p.state]}
                    </span>
                    {p.message && p.state !== 'ok' && <div className="muted small">{p.message}</div>}
                  </td>
                  <td>
                    {p.state === 'needs-mfa' || (p.mfa && p.state !== 'ok') ? (
                      <button type="button" className="link" data-testid="enter-mfa" onClick={() => void checkProfiles([p.name], true)}>
                        Enter MFA
                      </button>
                    ) : p.kind === 'sso' && p.state !== 'ok' ? (
                      <button type="button" className="link" data-testid="sso-login" onClick={() => void ssoLogin(p.name)}>
                        Log in
                      </button>
                    ) : (
                      <button type="button" className="link" onClick={() => void checkProfiles([p.name])}>
                        Check
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ),
      )}
      {accounts.profiles.length === 0 && <p data-testid="no-profiles">No profiles found. Add one to {accounts.files.config}, or turn the sandbox on below.</p>}
    </section>
  );
}
