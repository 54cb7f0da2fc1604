// The accounts feature: ~/.aws profiles with the sandbox's, identities, MFA and
// SSO device login, the workspace. Other modules reach it only through here.
export { accountsFeature } from './handlers';
export { AccountsService, envDefaults } from './service';
export type { SandboxInstance } from './ports';
