// Asks for an MFA code when the main process needs one. The code goes straight
// back through the contract and is never stored.
import { useState, type FormEvent } from 'react';
import { useAccountsStore } from './accounts-store';
import { answerMfa, cancelMfa, dismissSsoPrompt } from './accounts-actions';

export function MfaDialog() {
  const prompt = useAccountsStore((s) => s.mfaPrompts[0]);
  const [code, setCode] = useState('');
  if (!prompt) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(code)) return;
    void answerMfa(prompt.promptId, code);
    setCode('');
  };
  return (
    <div className="modal-backdrop">
      <form className="modal" role="dialog" aria-modal="true" aria-labelledby="mfa-h" onSubmit={submit} data-testid="mfa-dialog">
        <h2 id="mfa-h">MFA code for {prompt.profile}</h2>
        <p className="muted small">
          Device <code>{prompt.serial}</code>
        </p>
        <input
          autoFocus
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="\d{6}"
          maxLength={6}
          aria-label="6-digit code"
          data-testid="mfa-code"
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
          onKeyDown={(e) => e.key === 'Escape' && void cancelMfa(prompt.promptId)}
        />
        <div className="row">
          <button type="submit" className="button" disabled={code.length !== 6} data-testid="mfa-submit">
            Continue
          </button>
          <button type="button" className="link" onClick={() => void cancelMfa(prompt.promptId)}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

export function SsoPromptBanner() {
  const prompt = useAccountsStore((s) => s.ssoPrompt);
  if (!prompt) return null;
  return (
    <div className="banner banner-info sso-banner" role="status" data-testid="sso-prompt">
      Sign in for <strong>{prompt.profile}</strong>: open{' '}
      <a href={prompt.verificationUri} target="_blank" rel="noopener noreferrer">
        the AWS sign-in page
      </a>{' '}
      and confirm the code <code>{prompt.userCode}</code>.{' '}
      <button type="button" className="link" onClick={dismissSsoPrompt}>
        Dismiss
      </button>
    </div>
  );
}
