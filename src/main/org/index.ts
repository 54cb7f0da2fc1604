// The org feature: an organization's accounts and roles from IAM Identity Center
// and AWS Organizations (discovery, credentials per discovered role, profiles
// exported into ~/.aws/config). Other modules reach it only through here.
export { OrgService, defaultOrgName, type OrgOperation, type OrgSnapshot } from './service';
export type { DiscoveryProgress } from './discovery';
export type { ExportPlan } from './config-export';
export type { OrgConnection } from './org-store';
