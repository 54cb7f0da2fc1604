// AWS CLI versions before 2.13 (Debian 12 ships 2.9) ignore `endpoint_url` in
// ~/.aws/config. botocore looks for model data in $AWS_DATA_PATH first, so a
// directory of endpoint rule sets that answer with the sandbox's URL points
// every call at it, the STS calls of role chains included.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SERVICES: Record<string, string> = {
  sts: '2011-06-15',
  s3: '2006-03-01',
  codepipeline: '2015-07-09',
  iam: '2010-05-08',
  sqs: '2012-11-05',
  events: '2015-10-07',
  organizations: '2016-11-28',
  // IAM Identity Center's portal and OIDC (`aws sso login`, `aws sso list-accounts`, SSO profiles).
  sso: '2019-06-10',
  'sso-oidc': '2019-06-10',
};

export function endpointRuleSet(endpoint: string): object {
  const endpointRule = (url: string, conditions: object[] = []) => ({ conditions, endpoint: { url, properties: {}, headers: {} }, type: 'endpoint' });
  return {
    version: '1.0',
    parameters: {
      Region: { builtIn: 'AWS::Region', required: false, documentation: 'The region to sign for.', type: 'String' },
      Bucket: { required: false, documentation: 'S3 bucket, addressed path-style.', type: 'String' },
    },
    rules: [endpointRule(`${endpoint}/{Bucket}`, [{ fn: 'isSet', argv: [{ ref: 'Bucket' }] }]), endpointRule(endpoint)],
  };
}

/** Writes the rule sets under `dir` and returns the value for AWS_DATA_PATH. */
export function writeAwsDataPath(dir: string, endpoint: string): string {
  const ruleSet = JSON.stringify(endpointRuleSet(endpoint));
  for (const [service, version] of Object.entries(SERVICES)) {
    const d = join(dir, service, version);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'endpoint-rule-set-1.json'), ruleSet);
  }
  return dir;
}
