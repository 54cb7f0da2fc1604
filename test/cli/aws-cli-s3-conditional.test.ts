// S3's conditional requests through an independent client: Debian's AWS CLI 2.9
// (/usr/bin/aws, aws-cli/2.9.19) against `pipewright sandbox`.
//
// That CLI's botocore model (awscli/botocore/data/s3/2006-03-01/service-2.json) predates
// conditional writes: PutObject and CompleteMultipartUpload have no IfMatch/IfNoneMatch
// there, so `aws s3api put-object --if-none-match` does not exist for it. What it does
// have is tested here: GetObject and HeadObject's If-Match, If-None-Match,
// If-Modified-Since and If-Unmodified-Since, and, through `aws s3 cp` of a file above
// its 8 MB multipart threshold, the multipart upload whose completion takes the
// conditions (the SDK test, test/sandbox/s3-conditional.test.ts, sends those).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsCliSandbox, type AwsCliSandbox } from '../helpers/aws-cli';

let h: AwsCliSandbox;
beforeAll(async () => {
  h = await awsCliSandbox('s3-conditional', undefined, { AWS_MAX_ATTEMPTS: '1' });
  await aws('s3api', 'create-bucket', '--bucket', 'cli-state');
}, 60_000);
afterAll(() => h?.stop());
const aws = (...args: string[]) => h.aws('sandbox-dev', ...args);
const awsFails = (...args: string[]) => h.awsFails('sandbox-dev', ...args);
const md5 = (b: Buffer) => createHash('md5').update(b).digest();

describe('AWS CLI 2.9: conditional reads and multipart uploads against the sandbox S3', () => {
  it('head-object and get-object honour --if-match and --if-none-match (412, 304)', { timeout: 60_000 }, async () => {
    writeFileSync(join(h.dir, 'release.yaml'), 'version: 1\n');
    const { ETag } = await aws('s3api', 'put-object', '--bucket', 'cli-state', '--key', 'release.yaml', '--body', join(h.dir, 'release.yaml'));
    expect(ETag).toBe(`"${md5(Buffer.from('version: 1\n')).toString('hex')}"`);
    const stale = '"0123456789abcdef0123456789abcdef"';

    expect((await aws('s3api', 'head-object', '--bucket', 'cli-state', '--key', 'release.yaml', '--if-match', ETag)).ETag).toBe(ETag);
    const got = await aws('s3api', 'get-object', '--bucket', 'cli-state', '--key', 'release.yaml', '--if-match', ETag, join(h.dir, 'out.yaml'));
    expect(got.ETag).toBe(ETag);
    expect(readFileSync(join(h.dir, 'out.yaml'), 'utf8')).toBe('version: 1\n');

    const failedHead = await awsFails('s3api', 'head-object', '--bucket', 'cli-state', '--key', 'release.yaml', '--if-match', stale);
    expect(failedHead.stderr).toMatch(/\(412\)/);
    const failedGet = await awsFails('s3api', 'get-object', '--bucket', 'cli-state', '--key', 'release.yaml', '--if-match', stale, join(h.dir, 'x'));
    expect(failedGet.stderr).toContain('(PreconditionFailed)');
    expect(failedGet.stderr).toContain('At least one of the pre-conditions you specified did not hold');

    const notModified = await awsFails('s3api', 'get-object', '--bucket', 'cli-state', '--key', 'release.yaml', '--if-none-match', ETag, join(h.dir, 'x'));
    expect(notModified.stderr).toMatch(/\(304\)/);
    expect((await aws('s3api', 'head-object', '--bucket', 'cli-state', '--key', 'release.yaml', '--if-none-match', stale)).ETag).toBe(ETag);
  });

  it('head-object honours --if-modified-since and --if-unmodified-since', { timeout: 60_000 }, async () => {
    const { LastModified } = await aws('s3api', 'head-object', '--bucket', 'cli-state', '--key', 'release.yaml');
    const at = new Date(LastModified).getTime();
    const hourBefore = new Date(at - 3_600_000).toISOString();
    const hourAfter = new Date(at + 3_600_000).toISOString();
    expect((await awsFails('s3api', 'head-object', '--bucket', 'cli-state', '--key', 'release.yaml', '--if-modified-since', hourAfter)).stderr).toMatch(
      /\(304\)/,
    );
    expect((await awsFails('s3api', 'head-object', '--bucket', 'cli-state', '--key', 'release.yaml', '--if-unmodified-since', hourBefore)).stderr).toMatch(
      /\(412\)/,
    );
    await aws('s3api', 'head-object', '--bucket', 'cli-state', '--key', 'release.yaml', '--if-modified-since', hourBefore, '--if-unmodified-since', hourAfter);
  });

  it(
    "s3 cp of a 9 MiB file goes through CreateMultipartUpload, UploadPart and CompleteMultipartUpload; the ETag is the MD5 of the parts' MD5s",
    {
      timeout: 60_000,
    },
    async () => {
      const file = Buffer.alloc(9 * 1024 * 1024);
      for (let i = 0; i < file.length; i += 4096) file.write(`block ${i}`, i);
      writeFileSync(join(h.dir, 'big.bin'), file);
      await aws('s3', 'cp', join(h.dir, 'big.bin'), 's3://cli-state/big.bin');
      const head = await aws('s3api', 'head-object', '--bucket', 'cli-state', '--key', 'big.bin');
      expect(head.ContentLength).toBe(file.length);
      // The CLI's default part size is 8 MiB: two parts.
      const parts = [file.subarray(0, 8 * 1024 * 1024), file.subarray(8 * 1024 * 1024)];
      expect(head.ETag).toBe(`"${md5(Buffer.concat(parts.map(md5))).toString('hex')}-2"`);
      // One GET: `s3 cp` would download it in ranged parts, and the sandbox does not serve Range.
      await aws('s3api', 'get-object', '--bucket', 'cli-state', '--key', 'big.bin', join(h.dir, 'back.bin'));
      expect(readFileSync(join(h.dir, 'back.bin')).equals(file)).toBe(true);
    },
  );
});
