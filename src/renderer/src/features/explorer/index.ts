// The explorer as other parts of the renderer see it: the page (a start section,
// in the main bundle), the workspace's pipeline rows and their loading (the
// designer's Open dialog lists them), and its event routing and reset.
export { ExplorerPage } from './ExplorerPage';
export { loadPipelines, resubscribeExplorer, subscribeExplorerEvents } from './explorer-actions';
export { resetExplorerStore, useExplorerStore } from './explorer-store';
