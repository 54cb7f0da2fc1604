// The accounts feature as other parts of the renderer see it: the page and the
// MFA and SSO prompts the shell shows anywhere, the profiles' state (the
// designer and the live view read it), and its event routing and reset.
export { AccountsPage } from './AccountsPage';
export { MfaDialog, SsoPromptBanner } from './MfaDialog';
export { loadAccounts, resubscribeAccounts, subscribeAccountsEvents } from './accounts-actions';
export { resetAccountsStore, useAccountsStore } from './accounts-store';
