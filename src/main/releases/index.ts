// The releases feature: the board, promotions (started, followed, resumed) and
// their approvals, on disk in the release store or shared in S3 (with leases). Other modules reach it only through here.
export { releasesFeature, type ReleasesDeps } from './handlers';
export { ReleasesService, type ReleaseHome, type SharedHome, type ShareOutcome, type ReleasesOptions } from './service';
export { isSharedRef } from './release-homes';
export { ReleaseStore } from './release-store';
export { promotionHeld } from './promotion-lock';
export { S3ReleaseStore } from './s3-release-store';
export { leaseHeld, S3Leases } from './s3-leases';
export type { PromotionGuard, ReleaseExecutions, ReleaseIdentities, ReleaseStorage } from './ports';
