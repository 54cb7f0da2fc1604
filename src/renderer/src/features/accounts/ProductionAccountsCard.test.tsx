// @vitest-environment jsdom
// The production accounts card: account ids checked as they are typed, saved as one patch.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createApiClient } from '../../../../shared/api/client';
import { Settings } from '../../../../shared/api/settings';
import { setApi } from '../../api/current';
import { resetAllStores } from '../../store/reset';
import { useAppStore } from '../../store/store';
import { fakeTransport } from '../../test-support/fake-transport';
import { ProductionAccountsCard } from './ProductionAccountsCard';

beforeEach(() => {
  resetAllStores();
  useAppStore.setState({ settingsView: { settings: Settings.parse({ accounts: { notProduction: ['111111111111'] } }), warning: null } });
});
afterEach(cleanup);

describe('ProductionAccountsCard', () => {
  it('refuses what is not an account id, and saves both lists together', async () => {
    const saved = Settings.parse({ accounts: { production: ['333333333333'], notProduction: ['111111111111'] } });
    const f = fakeTransport({ 'settings.update': () => ({ ok: true, result: { settings: saved, warning: null } }) });
    setApi(createApiClient(f.transport));
    render(<ProductionAccountsCard />);
    expect(screen.getByTestId<HTMLTextAreaElement>('not-production-accounts').value).toBe('111111111111');
    const save = screen.getByTestId<HTMLButtonElement>('production-accounts-save');
    fireEvent.change(screen.getByTestId('production-accounts'), { target: { value: '3333' } });
    expect(screen.getByTestId('production-accounts-error').textContent).toMatch(/an account id is 12 digits/);
    expect(save.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('production-accounts'), { target: { value: '111111111111' } });
    expect(screen.getByTestId('production-accounts-error').textContent).toMatch(/both production and not production/);
    fireEvent.change(screen.getByTestId('production-accounts'), { target: { value: ' 333333333333 ' } });
    expect(save.disabled).toBe(false);
    fireEvent.click(save);
    await waitFor(() => expect(f.calls).toContainEqual(['settings.update', { accounts: { production: ['333333333333'], notProduction: ['111111111111'] } }]));
    await waitFor(() => expect(useAppStore.getState().settingsView?.settings.accounts.production).toEqual(['333333333333']));
  });
});
