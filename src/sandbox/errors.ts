// An error the sandbox answers with, in the shape of the service that raised it.
export class SandboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra fields some errors carry (S3's BucketName, Key, …). */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}
