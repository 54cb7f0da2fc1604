// Commercial regions where CodePipeline is offered (maintained by hand from the
// AWS regional services list), with opt-in regions marked: those must be enabled
// per account before any call works there.
export interface RegionInfo {
  code: string;
  name: string;
  optIn: boolean;
}

export const CODEPIPELINE_REGIONS: readonly RegionInfo[] = [
  { code: 'us-east-1', name: 'US East (N. Virginia)', optIn: false },
  { code: 'us-east-2', name: 'US East (Ohio)', optIn: false },
  { code: 'us-west-1', name: 'US West (N. California)', optIn: false },
  { code: 'us-west-2', name: 'US West (Oregon)', optIn: false },
  { code: 'af-south-1', name: 'Africa (Cape Town)', optIn: true },
  { code: 'ap-east-1', name: 'Asia Pacific (Hong Kong)', optIn: true },
  { code: 'ap-south-1', name: 'Asia Pacific (Mumbai)', optIn: false },
  { code: 'ap-south-2', name: 'Asia Pacific (Hyderabad)', optIn: true },
  { code: 'ap-southeast-1', name: 'Asia Pacific (Singapore)', optIn: false },
  { code: 'ap-southeast-2', name: 'Asia Pacific (Sydney)', optIn: false },
  { code: 'ap-southeast-3', name: 'Asia Pacific (Jakarta)', optIn: true },
  { code: 'ap-southeast-4', name: 'Asia Pacific (Melbourne)', optIn: true },
  { code: 'ap-northeast-1', name: 'Asia Pacific (Tokyo)', optIn: false },
  { code: 'ap-northeast-2', name: 'Asia Pacific (Seoul)', optIn: false },
  { code: 'ap-northeast-3', name: 'Asia Pacific (Osaka)', optIn: false },
  { code: 'ca-central-1', name: 'Canada (Central)', optIn: false },
  { code: 'eu-central-1', name: 'Europe (Frankfurt)', optIn: false },
  { code: 'eu-central-2', name: 'Europe (Zurich)', optIn: true },
  { code: 'eu-west-1', name: 'Europe (Ireland)', optIn: false },
  { code: 'eu-west-2', name: 'Europe (London)', optIn: false },
  { code: 'eu-west-3', name: 'Europe (Paris)', optIn: false },
  { code: 'eu-south-1', name: 'Europe (Milan)', optIn: true },
  { code: 'eu-south-2', name: 'Europe (Spain)', optIn: true },
  { code: 'eu-north-1', name: 'Europe (Stockholm)', optIn: false },
  { code: 'il-central-1', name: 'Israel (Tel Aviv)', optIn: true },
  { code: 'me-south-1', name: 'Middle East (Bahrain)', optIn: true },
  { code: 'me-central-1', name: 'Middle East (UAE)', optIn: true },
  { code: 'sa-east-1', name: 'South America (São Paulo)', optIn: false },
];

export function isKnownRegion(code: string): boolean {
  return CODEPIPELINE_REGIONS.some((r) => r.code === code);
}
