// Releases as other parts of the renderer see it: the page, loaded when first
// opened, and its event routing and reset.
import { lazy } from 'react';

export const ReleasesPage = lazy(() => import('./ReleasesPage').then((m) => ({ default: m.ReleasesPage })));
export { resubscribeReleases, subscribeReleasesEvents } from './releases-actions';
export { resetReleasesStore } from './releases-store';
