// Page object for Accounts & Settings: the profiles read from ~/.aws with their
// state (and the MFA dialog), the workspace (profiles and regions), and the
// sandbox card (start, stop, reset to demo data behind its dialog).
import { expect, type Locator, type Page } from '@playwright/test';

/** One profile's row: its state and what can be done about it. */
export class ProfileRow {
  constructor(readonly root: Locator) {}
  get state() {
    return this.root.getByTestId('profile-state');
  }
  get enterMfa() {
    return this.root.getByTestId('enter-mfa');
  }
}

/** The dialog asking for an MFA code. */
export class MfaDialog {
  constructor(readonly page: Page) {}
  get root() {
    return this.page.getByTestId('mfa-dialog');
  }
  async submit(code: string): Promise<void> {
    await this.page.getByTestId('mfa-code').fill(code);
    await this.page.getByTestId('mfa-submit').click();
  }
}

export class AccountsPage {
  readonly mfa: MfaDialog;
  constructor(readonly page: Page) {
    this.mfa = new MfaDialog(page);
  }

  profile(name: string) {
    return new ProfileRow(this.page.locator(`[data-testid=profile-row][data-profile="${name}"]`));
  }
  /** Where the profiles come from (or that there is no ~/.aws, and how to add one). */
  get profilesSource() {
    return this.page.getByTestId('profiles-source');
  }

  // The workspace.
  get workspaceSummary() {
    return this.page.getByTestId('workspace-summary');
  }
  region(name: string) {
    return this.page.getByTestId('region-picker').getByLabel(name);
  }
  async saveWorkspace(): Promise<void> {
    await this.page.getByTestId('workspace-save').click();
  }
  async workspaceDefaults(): Promise<void> {
    await this.page.getByTestId('workspace-defaults').click();
  }

  // The sandbox card.
  get sandboxAccounts() {
    return this.page.getByTestId('sandbox-accounts');
  }
  get sandboxOff() {
    return this.page.getByTestId('sandbox-off');
  }
  get sandboxEndpoint() {
    return this.page.getByTestId('sandbox-endpoint');
  }
  async stopSandbox(): Promise<void> {
    await this.page.getByTestId('sandbox-stop').click();
  }
  async startSandbox(): Promise<void> {
    await this.page.getByTestId('sandbox-start').click();
  }
  /** "Reset to demo data…": opens its dialog. */
  async askReset(): Promise<void> {
    await this.page.getByTestId('sandbox-reseed').click();
  }
  get resetDialog() {
    return this.page.getByTestId('reset-dialog');
  }
  async cancelReset(): Promise<void> {
    await this.resetDialog.getByRole('button', { name: 'Cancel' }).click();
  }
  async confirmReset(): Promise<void> {
    await this.page.getByTestId('reset-confirm').click();
  }
  get reseedStatus() {
    return this.page.getByTestId('reseed-status');
  }
  /** Resets the sandbox to demo data, confirming in its dialog, and waits until it says how it went. */
  async reset(): Promise<void> {
    await this.askReset();
    await this.confirmReset();
    await expect(this.reseedStatus).toBeVisible({ timeout: 60_000 });
  }
}

/** One watched target's row in the Live updates card. */
export class LiveUpdatesRow {
  constructor(readonly root: Locator) {}
  get mode() {
    return this.root.getByTestId('live-updates-mode');
  }
  get testResult() {
    return this.root.getByTestId('live-updates-test-result');
  }
  async setUp(): Promise<void> {
    await this.root.getByTestId('live-updates-setup').click();
  }
  async test(): Promise<void> {
    await this.root.getByTestId('live-updates-test').click();
  }
}

/** The Live updates card's setup dialog: the hub, the plan for it, then Create or Export as CloudFormation. */
export class LiveUpdatesSetupDialog {
  constructor(readonly page: Page) {}
  get root() {
    return this.page.getByTestId('events-setup-dialog');
  }
  /** The hub's profile (any workspace profile) and region ('' : each watched region its own hub). */
  get hubProfile() {
    return this.root.getByLabel('Hub profile');
  }
  get hubRegion() {
    return this.root.getByLabel('Hub region');
  }
  /** The plan's hub: its account, profile and hub regions as attributes. */
  get hub() {
    return this.root.getByTestId('events-plan-hub');
  }
  /** While and after Create: "k of N resources" (data-done, data-total). */
  get progress() {
    return this.root.getByTestId('events-setup-progress');
  }
  /** After Create: what each target now is (data-failed: how many are not event-driven), one line per failure. */
  get summary() {
    return this.root.getByTestId('events-setup-summary');
  }
  get failures() {
    return this.root.getByTestId('events-setup-failure');
  }
  async exportCloudFormation(): Promise<void> {
    await this.root.getByRole('button', { name: 'Export as CloudFormation' }).click();
  }
  get memberTemplate() {
    return this.root.getByTestId('events-template-member');
  }
  get hubTemplate() {
    return this.root.getByTestId('events-template-hub');
  }
  /** Saves both templates (two downloads in browser mode). */
  async saveBothTemplates(): Promise<void> {
    await this.root.getByTestId('events-templates-save-both').click();
  }
  /** The plan's resources, one row each (its account and region as attributes). */
  get planRows() {
    return this.root.getByTestId('events-plan-row');
  }
  /** The plan's resources in one region. */
  planRowsIn(region: string) {
    return this.root.locator(`[data-testid=events-plan-row][data-region="${region}"]`);
  }
  async create(): Promise<void> {
    await this.root.getByTestId('events-create').click();
  }
  get result() {
    return this.root.getByTestId('events-setup-result');
  }
  get outcomes() {
    return this.root.getByTestId('events-outcome');
  }
  async close(): Promise<void> {
    await this.root.getByTestId('events-setup-close').click();
  }
  get heading() {
    return this.root.getByRole('heading');
  }
  get createButton() {
    return this.root.getByTestId('events-create');
  }
  get closeButton() {
    return this.root.getByTestId('events-setup-close');
  }
  /** The plan's resources of one kind (member-rule, queue…), optionally in one account. */
  planRowsOfKind(kind: string, account?: string) {
    return this.root.locator(`[data-testid=events-plan-row][data-kind=${kind}]${account ? `[data-account="${account}"]` : ''}`);
  }
  /** The plan's resources with this outcome, once Create ran. */
  planRowsWithOutcome(outcome: string) {
    return this.root.locator(`[data-testid=events-plan-row][data-outcome=${outcome}]`);
  }
  /** A production account's word, typed before Create (the main process names which accounts need one). */
  productionWord(accountId: string) {
    return this.root.getByTestId(`events-setup-prod-${accountId}`);
  }
  /** Whether focus is inside the dialog (never in the page behind it). */
  hasFocus(): Promise<boolean> {
    return this.root.evaluate((el) => el.contains(el.ownerDocument.activeElement));
  }
  /** The data-testid (or tag) of what has focus. */
  focusedTestId(): Promise<string> {
    return this.root.evaluate((el) => el.ownerDocument.activeElement?.getAttribute('data-testid') ?? el.ownerDocument.activeElement?.tagName ?? '');
  }
}

/** Accounts & Settings' Live updates card. */
export class LiveUpdatesCard {
  readonly setup: LiveUpdatesSetupDialog;
  constructor(readonly page: Page) {
    this.setup = new LiveUpdatesSetupDialog(page);
  }
  get root() {
    return this.page.getByTestId('live-updates-card');
  }
  row(profile: string, region: string) {
    return new LiveUpdatesRow(this.root.locator(`[data-testid=live-updates-row][data-profile="${profile}"][data-region="${region}"]`));
  }
  get modes() {
    return this.root.getByTestId('live-updates-mode');
  }
  /** The rows' modes that are this one (event-driven, polled, degraded). */
  modesOf(mode: string) {
    return this.root.locator(`[data-testid=live-updates-mode][data-mode=${mode}]`);
  }
  /** "Set up all polled targets (N)…": every target polled because nothing is set up, in one setup. */
  get setUpAllButton() {
    return this.root.getByTestId('live-updates-setup-all');
  }
  get heading() {
    return this.root.getByRole('heading', { name: 'Live updates' });
  }
}
