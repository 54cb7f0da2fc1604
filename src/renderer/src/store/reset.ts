// For tests: every store back to where a fresh window starts.
import { resetStore } from './store';
import { resetAccountsStore } from '../features/accounts/accounts-store';
import { resetExplorerStore } from '../features/explorer/explorer-store';
import { resetArtifactsStore } from '../features/artifacts/artifacts-store';
import { resetExecutionsStore } from '../features/executions/executions-store';
import { resetReleasesStore } from '../features/releases/releases-store';

export function resetAllStores(): void {
  resetStore();
  resetAccountsStore();
  resetExplorerStore();
  resetArtifactsStore();
  resetExecutionsStore();
  resetReleasesStore();
}
