// SDK clients, one per (profile, region, service) and reused. Each gets the
// profile's own endpoint (the SDK reads endpoint_url only for the process-wide
// profile), adaptive retry with throttling backoff, and keep-alive sockets.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { IAMClient } from '@aws-sdk/client-iam';
import { AccountClient } from '@aws-sdk/client-account';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CredentialBroker } from './credentials';
import { responseGuard } from './response-guard';
import { endpointFor, type ProfileInfo, type ServiceId } from './profiles';

export interface ClientOptions {
  maxAttempts: number;
}

type Ctor<T> = new (config: Record<string, unknown>) => T;

/** Services whose protocol is JSON: an answer that is not JSON is never theirs. */
const JSON_PROTOCOL = new Set<ServiceId>(['codepipeline', 'account', 'events', 'sqs', 'organizations']);
const LABEL: Partial<Record<ServiceId, string>> = {
  codepipeline: 'CodePipeline',
  s3: 'S3',
  sts: 'STS',
  iam: 'IAM',
  account: 'Account',
  events: 'EventBridge',
  sqs: 'SQS',
  organizations: 'Organizations',
};

export class AwsClients {
  private cache = new Map<string, unknown>();
  private handler: NodeHttpHandler;

  constructor(
    private broker: CredentialBroker,
    private opts: ClientOptions = { maxAttempts: 5 },
  ) {
    // No socket cap of our own: the fan-out engine's caps are what bound concurrency.
    this.handler = new NodeHttpHandler({
      connectionTimeout: 5_000,
      requestTimeout: 30_000,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: Infinity }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: Infinity }),
    });
  }

  private get<T>(service: ServiceId, Client: Ctor<T>, profile: ProfileInfo, region: string, extra: Record<string, unknown> = {}): T {
    const key = `${profile.name}\u0000${region}\u0000${service}`;
    let client = this.cache.get(key) as T | undefined;
    if (!client) {
      const endpoint = endpointFor(profile, service);
      client = new Client({
        region,
        credentials: this.broker.provider(profile),
        retryMode: 'adaptive',
        maxAttempts: this.opts.maxAttempts,
        requestHandler: this.handler,
        ...(endpoint ? { endpoint } : {}),
        ...extra,
      });
      // Between the HTTP answer and the SDK's parser: say what a not-quite-AWS endpoint answered, accept ISO timestamps.
      const guard = responseGuard(LABEL[service] ?? service, JSON_PROTOCOL.has(service));
      (client as { middlewareStack: { add: (m: unknown, o: object) => void } }).middlewareStack.add(guard.middleware, {
        step: 'deserialize',
        priority: 'low',
        name: guard.name,
      });
      this.cache.set(key, client);
    }
    return client;
  }

  codepipeline(profile: ProfileInfo, region: string): CodePipelineClient {
    return this.get('codepipeline', CodePipelineClient, profile, region);
  }

  s3(profile: ProfileInfo, region: string): S3Client {
    const custom = !!endpointFor(profile, 's3');
    return this.get('s3', S3Client, profile, region, {
      forcePathStyle: custom,
      // Simple S3 servers store aws-chunked checksum framing verbatim; send plain bodies.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  sts(profile: ProfileInfo, region: string): STSClient {
    return this.get('sts', STSClient, profile, region);
  }

  iam(profile: ProfileInfo): IAMClient {
    return this.get('iam', IAMClient, profile, 'us-east-1');
  }

  events(profile: ProfileInfo, region: string): EventBridgeClient {
    return this.get('events', EventBridgeClient, profile, region);
  }

  sqs(profile: ProfileInfo, region: string): SQSClient {
    return this.get('sqs', SQSClient, profile, region);
  }

  /** AWS Account Management (global: its endpoint is in us-east-1). */
  account(profile: ProfileInfo): AccountClient {
    return this.get('account', AccountClient, profile, 'us-east-1');
  }

  /** AWS Organizations (global: its endpoint is in us-east-1). */
  organizations(profile: ProfileInfo): OrganizationsClient {
    return this.get('organizations', OrganizationsClient, profile, 'us-east-1');
  }

  /** Drop clients (e.g. when profiles were reloaded). */
  clear(profile?: string): void {
    for (const key of [...this.cache.keys()]) if (!profile || key.startsWith(`${profile}\u0000`)) this.cache.delete(key);
  }

  destroy(): void {
    this.cache.clear();
    this.handler.destroy();
  }
}
