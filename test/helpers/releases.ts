// The release file the issue documents, for the releases tests.
export const EXAMPLE = `version: 1
application: web-frontend
environments:
  - name: dev
    targets:
      - { profile: sandbox-dev, region: us-east-1, pipeline: web-frontend }
  - name: staging
    targets:
      - { profile: sandbox-staging, region: us-east-1, pipeline: web-frontend }
  - name: prod
    targets:
      - { profile: sandbox-prod, region: us-east-1, pipeline: web-frontend }
      # an environment may have several targets (regions, cells), promoted together
waves: [[dev], [staging], [prod]]  # ordered; the environments within a wave go side by side
gates:                              # between waves, all optional
  staging: { after: dev, requireSuccess: true }
  prod: { after: staging, requireSuccess: true, soakMinutes: 30, manualConfirmation: true }
`;
