// Endpoints that are not quite AWS: an HTML error page, text where JSON belongs,
// and ISO timestamps where the JSON protocol sends epoch seconds. The user reads
// which endpoint answered which operation with what; a format variant parses.
// The real SDK clients, as the app builds them, against a small local server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { GetPipelineStateCommand, ListPipelineExecutionsCommand, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { GetObjectCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { AwsClients } from '../../src/main/aws/clients';
import { CredentialBroker } from '../../src/main/aws/credentials';
import { classifyAwsError, awsAppError } from '../../src/main/aws/errors';
import type { ProfileInfo } from '../../src/main/aws/profiles';
import { epochTimestamps } from '../../src/main/aws/response-guard';

let server: Server;
let endpoint: string;
let clients: AwsClients;
let profile: ProfileInfo;

beforeAll(async () => {
  server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET' && req.url?.startsWith('/site/index.html')) {
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': '31' });
        return res.end('<!doctype html><p>a website</p>');
      }
      if (target.endsWith('.ListPipelines') || req.url?.startsWith('/?') || req.method === 'GET') {
        res.writeHead(502, { 'content-type': 'text/html' });
        return res.end('<!doctype html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
      }
      if (target.endsWith('.GetPipelineState')) {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        return res.end('OK: state follows');
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          pipelineExecutionSummaries: [
            { pipelineExecutionId: 'e-1', status: 'Succeeded', startTime: '2026-11-30T10:00:00Z', lastUpdateTime: '2026-11-30T10:05:30.500Z' },
          ],
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  profile = {
    name: 'emulator',
    group: 'aws',
    kind: 'static',
    region: 'us-east-1',
    endpoint,
    serviceEndpoints: {},
    chain: ['emulator'],
    problems: [],
    staticCredentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
  };
  clients = new AwsClients(
    new CredentialBroker(
      () => [profile],
      () => Promise.reject(new Error('no MFA')),
    ),
    { maxAttempts: 1 },
  );
});
afterAll(async () => {
  clients?.destroy();
  await new Promise((r) => server?.close(r));
});

describe('an endpoint that is not quite AWS', () => {
  it('an HTML error page is named, with the endpoint and the operation', async () => {
    const err = await clients
      .codepipeline(profile, 'us-east-1')
      .send(new ListPipelinesCommand({}))
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `${endpoint} answered CodePipeline ListPipelines with an HTML page (HTTP 502, "502 Bad Gateway"), not an AWS response. Is this profile's endpoint_url an AWS-compatible endpoint?`,
    );
    expect((err as Error).message).not.toMatch(/Unexpected token/);
    // The app's error for it keeps the words (not an anonymous internal error).
    expect(awsAppError(err)?.message).toMatch(/answered CodePipeline ListPipelines with an HTML page/);
    expect(classifyAwsError(err).message).toMatch(/HTML page/);
  });

  it('S3 too: an HTML page instead of XML is named', async () => {
    const err = await clients
      .s3(profile, 'us-east-1')
      .send(new ListBucketsCommand({}))
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(new RegExp(`^${endpoint} answered S3 ListBuckets with an HTML page \\(HTTP 502`));
  });

  it("an object's own HTML content is content, not a wrong endpoint", async () => {
    const r = await clients.s3(profile, 'us-east-1').send(new GetObjectCommand({ Bucket: 'site', Key: 'index.html' }));
    expect(await r.Body?.transformToString()).toBe('<!doctype html><p>a website</p>');
  });

  it('text where JSON belongs is named', async () => {
    const err = await clients
      .codepipeline(profile, 'us-east-1')
      .send(new GetPipelineStateCommand({ name: 'p' }))
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      `${endpoint} answered CodePipeline GetPipelineState with text that is not JSON (HTTP 200, starting "OK: state follows"), not an AWS response.`,
    );
  });

  it('ISO timestamps where epoch seconds belong are accepted', async () => {
    const r = await clients.codepipeline(profile, 'us-east-1').send(new ListPipelineExecutionsCommand({ pipelineName: 'p' }));
    expect(r.pipelineExecutionSummaries?.[0].startTime?.toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect(r.pipelineExecutionSummaries?.[0].lastUpdateTime?.toISOString()).toBe('2026-11-30T10:05:30.500Z');
  });

  it('only timestamp members are converted', () => {
    expect(epochTimestamps({ startTime: '2026-01-01T00:00:00Z', revisionId: '2026-01-01T00:00:00Z', nested: [{ created: '2026-01-01T00:00:01Z' }] })).toEqual({
      changed: true,
      value: { startTime: 1767225600, revisionId: '2026-01-01T00:00:00Z', nested: [{ created: 1767225601 }] },
    });
  });
});
