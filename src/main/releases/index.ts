// The releases feature: the board, promotions (started, followed, resumed) and
// their approvals, on disk in the release store. Other modules reach it only through here.
export { releasesFeature, type ReleasesDeps } from './handlers';
export { ReleasesService } from './service';
export { ReleaseStore } from './release-store';
export { promotionHeld } from './promotion-lock';
export type { ReleaseExecutions, ReleaseIdentities } from './ports';
