// The real S3 client against the app's embedded sandbox, as an account, and a
// way to plant many artifacts under one prefix (so a cleanup takes several batches).
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_ACCOUNTS } from '../../src/sandbox/config';
import type { AppServer } from './app-server';

export function sandboxS3(app: AppServer, account = DEFAULT_ACCOUNTS[0]): S3Client {
  return new S3Client({
    endpoint: app.sandboxEndpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}

/** Puts `count` one-byte artifacts under `<prefix>/BuildArtif/`, a hundred at a time. */
export async function plantArtifacts(s3: S3Client, bucket: string, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 100)
    await Promise.all(
      Array.from({ length: Math.min(100, count - i) }, (_, k) =>
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/BuildArtif/${String(i + k).padStart(7, '0')}`, Body: 'x' })),
      ),
    );
}
