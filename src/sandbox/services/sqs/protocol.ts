// SQS speaks two protocols: AWS JSON 1.0 (the SDK v3: X-Amz-Target
// AmazonSQS.<Operation>, errors named by shape with the query code in
// x-amzn-query-error), and the query protocol (older clients such as the
// AWS CLI 2.9: Action=… form-encoded, flattened lists and maps, XML answers).
// Both are decoded into one input shape, the JSON one, and each answer is
// encoded back in the protocol it was asked in.
import type { IncomingHttpHeaders } from 'node:http';
import { SandboxError } from '../../errors';
import type { ServiceResponse } from '../../http-types';
import { queryErrorBody, respond, SQS_NS } from '../query-protocol';
import type { MessageAttributeValue } from './store';

export type Input = Record<string, unknown>;

export const SQS_TARGET_PREFIX = 'AmazonSQS.';
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

export const isJsonRequest = (headers: IncomingHttpHeaders) => typeof headers['x-amz-target'] === 'string';

/** The operation a request names, in either protocol. */
export function operationOf(headers: IncomingHttpHeaders, params: () => URLSearchParams): string {
  if (isJsonRequest(headers)) {
    const target = String(headers['x-amz-target']);
    return target.startsWith(SQS_TARGET_PREFIX) ? target.slice(SQS_TARGET_PREFIX.length) || 'Unknown' : 'Unknown';
  }
  return params().get('Action') || 'Unknown';
}

export function decodeJson(body: Buffer): Input {
  let parsed: unknown;
  try {
    const text = body.toString('utf8');
    parsed = text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new SandboxError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SandboxError('SerializationException', 'The request body must be a JSON object.');
  return parsed as Input;
}

interface Tree {
  [key: string]: string | Tree;
}
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_KEY_DEPTH = 6;

/** "Attribute.1.Name=x" → { Attribute: { 1: { Name: 'x' } } }: the query protocol's flattened names as a tree. */
function nest(params: URLSearchParams): Tree {
  const root: Tree = Object.create(null) as Tree;
  for (const [key, value] of params) {
    const parts = key.split('.');
    if (parts.length > MAX_KEY_DEPTH || parts.some((p) => p === '' || FORBIDDEN_KEYS.has(p))) continue;
    let node: Tree | undefined = root;
    for (const part of parts.slice(0, -1)) {
      const next: string | Tree | undefined = node[part];
      if (typeof next === 'string') {
        node = undefined;
        break;
      }
      node = next ?? (node[part] = Object.create(null) as Tree);
    }
    const last = parts[parts.length - 1];
    if (node && node[last] === undefined) node[last] = value;
  }
  return root;
}

/** A flattened list's members (Name.1, Name.2, …), in index order. */
function members(node: string | Tree | undefined): Array<string | Tree> {
  if (node === undefined || typeof node === 'string') return [];
  return Object.keys(node)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => node[k]);
}

const text = (node: string | Tree | undefined): string | undefined => (typeof node === 'string' ? node : undefined);

function flatMap(node: string | Tree | undefined, keyName: string, valueName: string): Record<string, string | Tree> | undefined {
  const entries = members(node).filter((m): m is Tree => typeof m !== 'string');
  if (entries.length === 0) return undefined;
  const out: Record<string, string | Tree> = {};
  for (const e of entries) {
    const k = text(e[keyName]);
    const v = e[valueName];
    if (k !== undefined && v !== undefined && !FORBIDDEN_KEYS.has(k)) out[k] = v;
  }
  return out;
}

function attributeValue(node: string | Tree): Partial<MessageAttributeValue> | string {
  if (typeof node === 'string') return node;
  return { DataType: text(node.DataType), StringValue: text(node.StringValue), BinaryValue: text(node.BinaryValue) };
}

/** One structure of the query protocol (the request, or a batch entry) in the JSON protocol's shape. */
function fromTree(tree: Tree): Input {
  const out: Input = {};
  for (const [k, v] of Object.entries(tree)) if (typeof v === 'string' && k !== 'Action' && k !== 'Version') out[k] = v;
  const attributes = flatMap(tree.Attribute, 'Name', 'Value');
  if (attributes) out.Attributes = attributes;
  const tags = flatMap(tree.Tag, 'Key', 'Value');
  // CreateQueue calls them `tags`, TagQueue `Tags`: each operation reads its own.
  if (tags) out.tags = out.Tags = tags;
  const messageAttributes = flatMap(tree.MessageAttribute, 'Name', 'Value');
  if (messageAttributes) out.MessageAttributes = Object.fromEntries(Object.entries(messageAttributes).map(([k, v]) => [k, attributeValue(v)]));
  const lists: Array<[string, string]> = [
    ['AttributeName', 'AttributeNames'],
    ['MessageSystemAttributeName', 'MessageSystemAttributeNames'],
    ['MessageAttributeName', 'MessageAttributeNames'],
    ['TagKey', 'TagKeys'],
  ];
  for (const [flat, name] of lists) if (tree[flat] !== undefined) out[name] = members(tree[flat]);
  for (const entryName of ['DeleteMessageBatchRequestEntry', 'SendMessageBatchRequestEntry', 'ChangeMessageVisibilityBatchRequestEntry'])
    if (tree[entryName] !== undefined) out.Entries = members(tree[entryName]).map((e) => (typeof e === 'string' ? e : fromTree(e)));
  return out;
}

export const decodeQuery = (params: URLSearchParams): Input => fromTree(nest(params));

type Output = Record<string, unknown> | undefined;
const pairs = (map: unknown, keyName: string, valueName: string) =>
  Object.entries((map as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => ({ [keyName]: k, [valueName]: v }));

/** The XML result of an operation: the query protocol flattens lists and maps into repeated elements. */
function queryResult(action: string, out: Output): unknown {
  if (out === undefined) return undefined;
  switch (action) {
    case 'ListQueues':
      return { QueueUrl: out.QueueUrls ?? [], ...(out.NextToken ? { NextToken: out.NextToken } : {}) };
    case 'GetQueueAttributes':
      return { Attribute: pairs(out.Attributes, 'Name', 'Value') };
    case 'ListQueueTags':
      return { Tag: pairs(out.Tags, 'Key', 'Value') };
    case 'ReceiveMessage':
      return {
        Message: ((out.Messages as Array<Record<string, unknown>> | undefined) ?? []).map(({ Attributes, MessageAttributes, ...m }) => ({
          ...m,
          Attribute: pairs(Attributes, 'Name', 'Value'),
          MessageAttribute: pairs(MessageAttributes, 'Name', 'Value'),
        })),
      };
    case 'SendMessageBatch':
    case 'DeleteMessageBatch':
    case 'ChangeMessageVisibilityBatch':
      return { [`${action}ResultEntry`]: out.Successful, BatchResultErrorEntry: out.Failed };
    default:
      return out;
  }
}

export function encodeAnswer(json: boolean, action: string, out: Output, requestId: string): ServiceResponse {
  if (json) return { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, body: JSON.stringify(out ?? {}) };
  const answer = respond(action, queryResult(action, out), requestId, SQS_NS);
  // An XML parser reads a bare carriage return as a newline: SQS escapes it, so a body comes back byte for byte.
  return { ...answer, body: typeof answer.body === 'string' ? answer.body.replace(/\r/g, '&#13;') : answer.body };
}

/** The JSON protocol names an error by its shape; the query code rides along in x-amzn-query-error. */
const JSON_ERROR_SHAPES: Record<string, string> = {
  'AWS.SimpleQueueService.NonExistentQueue': 'com.amazonaws.sqs#QueueDoesNotExist',
  QueueAlreadyExists: 'com.amazonaws.sqs#QueueNameExists',
  AccessDenied: 'com.amazon.coral.service#AccessDeniedException',
  InternalFailure: 'com.amazon.coral.service#InternalFailure',
};

export function encodeError(json: boolean, e: SandboxError, requestId: string, head: boolean): ServiceResponse {
  const fault = e.status >= 500 ? 'Receiver' : 'Sender';
  if (!json) return { status: e.status, headers: { 'content-type': 'text/xml' }, body: head ? undefined : queryErrorBody(e, requestId, 'sqs') };
  const type = JSON_ERROR_SHAPES[e.code] ?? `com.amazonaws.sqs#${e.code.replace(/^AWS\.SimpleQueueService\./, '')}`;
  return {
    status: e.status,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-query-error': `${e.code};${fault}` },
    body: head ? undefined : JSON.stringify({ __type: type, message: e.message }),
  };
}
