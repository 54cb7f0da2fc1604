// The renderer's one ApiClient, set at boot (tests set their own).
import type { ApiClient } from '../../../shared/api/client';

let current: ApiClient | undefined;

export function setApi(api: ApiClient): void {
  current = api;
}

export function api(): ApiClient {
  if (!current) throw new Error('The API client is not connected yet.');
  return current;
}
