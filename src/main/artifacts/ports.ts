// What the artifacts feature needs from outside it, declared here as interfaces.
import type { ProfileInfo } from '../aws/profiles';

/** The workspace's (profile, region) pairs (the explorer's scope): the regions re-checks also scan. */
export interface WorkspaceTargets {
  targets(): Array<{ profile: ProfileInfo; region: string }>;
}
