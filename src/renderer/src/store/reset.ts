// For tests: every store back to where a fresh window starts.
import { resetStore } from './store';
import { resetAccountsStore } from '../features/accounts';
import { resetExplorerStore } from '../features/explorer';
import { resetArtifactsStore } from '../features/artifacts';
import { resetExecutionsStore } from '../features/executions';
import { resetReleasesStore } from '../features/releases';

export function resetAllStores(): void {
  resetStore();
  resetAccountsStore();
  resetExplorerStore();
  resetArtifactsStore();
  resetExecutionsStore();
  resetReleasesStore();
}
