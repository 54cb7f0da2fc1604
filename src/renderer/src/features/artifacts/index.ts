// Artifacts as other parts of the renderer see it: the page, loaded when first
// opened, and its event routing and reset.
import { lazy } from 'react';

export const ArtifactsPage = lazy(() => import('./ArtifactsPage').then((m) => ({ default: m.ArtifactsPage })));
export { resubscribeArtifacts, subscribeArtifactsEvents } from './artifacts-actions';
export { resetArtifactsStore } from './artifacts-store';
