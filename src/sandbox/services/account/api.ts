// AWS Account Management (REST JSON): ListRegions, the service's own answer to
// "which regions has this account enabled". Regions enabled by default are
// ENABLED_BY_DEFAULT; an opt-in region is ENABLED when the sandbox serves it
// (config `regions` or `enabledOptInRegions`), DISABLED otherwise. CodePipeline
// calls to a DISABLED region are refused as AWS refuses them (see sandbox.ts).
import { z } from 'zod';
import { CODEPIPELINE_REGIONS } from '../../../shared/aws/regions';
import type { SandboxConfig } from '../../config';
import { SandboxError } from '../../errors';
import type { ServiceRequest, ServiceResponse } from '../../http-types';

export type RegionOptStatus = 'ENABLED' | 'ENABLING' | 'DISABLING' | 'DISABLED' | 'ENABLED_BY_DEFAULT';

export function regionOptStatus(config: SandboxConfig, region: string): RegionOptStatus {
  const known = CODEPIPELINE_REGIONS.find((r) => r.code === region);
  if (!known?.optIn) return 'ENABLED_BY_DEFAULT';
  return config.regions.includes(region) || config.enabledOptInRegions.includes(region) ? 'ENABLED' : 'DISABLED';
}

const ListRegionsInput = z.object({
  AccountId: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  MaxResults: z.number().int().min(1).max(50).optional(),
  NextToken: z.string().max(1000).optional(),
  RegionOptStatusContains: z.array(z.enum(['ENABLED', 'ENABLING', 'DISABLING', 'DISABLED', 'ENABLED_BY_DEFAULT'])).optional(),
});

export function handleAccount(req: ServiceRequest, config: SandboxConfig): ServiceResponse {
  const path = req.rawPath.replace(/\/+$/, '');
  if (req.method !== 'POST' || path !== '/listRegions')
    throw new SandboxError('UnknownOperationException', `The sandbox's Account API serves ListRegions only, not ${req.method} ${path}.`, 404);
  req.operation = 'ListRegions';
  let raw: unknown = {};
  try {
    const text = req.body.toString('utf8');
    raw = text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new SandboxError('ValidationException', 'The request body is not valid JSON.');
  }
  const parsed = ListRegionsInput.safeParse(raw);
  if (!parsed.success) throw new SandboxError('ValidationException', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const input = parsed.data;
  if (input.AccountId && input.AccountId !== req.accountId)
    throw new SandboxError('AccessDeniedException', 'Only the management account of an organization may name another account.', 403);
  const codes = [...new Set([...CODEPIPELINE_REGIONS.map((r) => r.code), ...config.regions])];
  const all = codes
    .map((code) => ({ RegionName: code, RegionOptStatus: regionOptStatus(config, code) }))
    .filter((r) => !input.RegionOptStatusContains || input.RegionOptStatusContains.includes(r.RegionOptStatus));
  const start = input.NextToken ? Number(input.NextToken) : 0;
  if (!Number.isInteger(start) || start < 0 || start > all.length) throw new SandboxError('ValidationException', 'The NextToken is not valid.');
  const size = input.MaxResults ?? 20;
  const page = all.slice(start, start + size);
  const next = start + size < all.length ? String(start + size) : undefined;
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Regions: page, ...(next ? { NextToken: next } : {}) }) };
}
