// The AWS CLI's IAM Identity Center token cache on disk: ~/.aws/sso/cache/<sha1 of
// the sso-session name, or of the start URL for legacy profiles>.json, the path the
// SDK computes (getSSOTokenFilepath), read and written in the CLI's format
// (src/shared/org/sso-token.ts) so the CLI and Pipewright share one login. Tokens
// stay in this process: nothing here logs or returns a token to anything but its caller.
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { getSSOTokenFilepath } from '@smithy/shared-ini-file-loader';
import { readTextFile } from '../../node/json-file';
import { writeFileAtomic } from '../../node/atomic-file';
import { isTokenCacheFileName, parseSsoTokenFile, sameStartUrl, serializeSsoToken, type SsoToken } from '../../shared/org/sso-token';

/** A token and the file it lives in (a refresh writes back to the same file). */
export interface CachedSsoToken {
  file: string;
  token: SsoToken;
}

/** The cache file for an sso-session name, or a start URL (legacy profiles). */
export const ssoTokenPath = (key: string): string => getSSOTokenFilepath(key);

/** Far beyond any token file: the cache holds a few hundred bytes per login. */
const MAX_TOKEN_FILE = 1024 * 1024;

/** The token in this file; undefined when there is none. A file that is not a token is an AppError naming it (the file is left alone). */
export async function readSsoTokenFile(file: string): Promise<CachedSsoToken | undefined> {
  let text: string;
  try {
    text = await readTextFile(file, { maxBytes: MAX_TOKEN_FILE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return { file, token: parseSsoTokenFile(text, file) };
}

/** Writes a token as the CLI does: the file 0600, its directory 0700, replaced atomically (a reader never sees half a token). */
export async function writeSsoTokenFile(file: string, token: SsoToken): Promise<void> {
  await fs.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, serializeSsoToken(token));
}

/**
 * Tokens in the cache issued for this start URL, whatever session name (or none) they
 * were cached under: a login the user made with `aws sso login --sso-session other`
 * serves Pipewright too. The CLI's own files (botocore-…) are skipped, and so is a
 * file that is not a token (named in `unreadable`, never changed).
 */
export async function findSsoTokens(startUrl: string): Promise<{ found: CachedSsoToken[]; unreadable: string[] }> {
  const dir = dirname(ssoTokenPath('x'));
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { found: [], unreadable: [] };
    throw err;
  }
  const found: CachedSsoToken[] = [];
  const unreadable: string[] = [];
  for (const name of names.filter(isTokenCacheFileName).sort()) {
    try {
      const t = await readSsoTokenFile(join(dir, name));
      if (t && sameStartUrl(t.token.startUrl, startUrl)) found.push(t);
    } catch {
      unreadable.push(name);
    }
  }
  return { found, unreadable };
}

/** Moves a file that is not a token out of the way (X.json.bad, .bad.1, …), never over another: a new login may then take its name. */
export async function setAside(file: string): Promise<string> {
  for (let i = 0; ; i++) {
    const target = `${file}.bad${i ? `.${i}` : ''}`;
    try {
      await fs.link(file, target);
      await fs.unlink(file);
      return basename(target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
