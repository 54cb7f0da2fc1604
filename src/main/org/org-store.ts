// What Pipewright keeps of an organization, in its own home (never in ~/.aws):
// org/connection.json (how to reach it: the Identity Center session, the
// Organizations profile) and org/discovery.json (the last discovery, the last
// Organizations read, and what changed since the one before). Both are parsed
// through their schemas; a file that does not parse is kept as .bad (never written
// over) and said so, and the discovery is then made afresh.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../node/atomic-file';
import { JsonFileError, readJsonFile } from '../../node/json-file';
import { AppError } from '../../shared/api/errors';
import { DiscoveryDiff, IdentityCenterDiscovery, OrganizationsRead } from '../../shared/org/discovery';

export const OrgConnection = z.object({
  version: z.literal(1),
  /** The organization's name in Pipewright: the sso-session name exported profiles use, and the block's name. */
  name: z.string().regex(/^[\w\-@+.%:/]+$/),
  identityCenter: z
    .object({
      /** The sso-session whose token cache is used (sha1 of this name). */
      sessionName: z.string(),
      startUrl: z.string(),
      region: z.string(),
      scopes: z.array(z.string()),
      /** Portal and OIDC endpoints when not AWS's own (the profiles of this session named one: the sandbox). */
      endpoints: z.object({ sso: z.string().optional(), oidc: z.string().optional() }).optional(),
      /** Where the accounts' services answer, when not AWS's own (copied from those profiles' endpoint_url). */
      accountEndpoint: z.string().optional(),
      /** The session came from the user's ~/.aws/config (an [sso-session] section is there already). */
      fromConfig: z.boolean(),
    })
    .nullable(),
  organizationsProfile: z.string().nullable(),
});
export type OrgConnection = z.infer<typeof OrgConnection>;

export const OrgDiscoveryFile = z.object({
  version: z.literal(1),
  identityCenter: IdentityCenterDiscovery.nullable(),
  organizations: OrganizationsRead.nullable(),
  /** What the last refresh changed, against the discovery before it. */
  changes: DiscoveryDiff.nullable(),
});
export type OrgDiscoveryFile = z.infer<typeof OrgDiscoveryFile>;

export class OrgStore {
  readonly dir: string;
  /** Said once per read: a file that did not parse and was kept aside. */
  readonly warnings: string[] = [];

  constructor(home: string) {
    this.dir = join(home, 'org');
  }

  get connectionFile(): string {
    return join(this.dir, 'connection.json');
  }

  get discoveryFile(): string {
    return join(this.dir, 'discovery.json');
  }

  /** The connection, or null when none was made. One that does not parse is an error naming the file (it is the user's choice, not a cache). */
  async connection(): Promise<OrgConnection | null> {
    try {
      return await readJsonFile(this.connectionFile, OrgConnection);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      if (err instanceof JsonFileError)
        throw new AppError('INVALID_INPUT', `${err.message}. Connect again with pipewright org connect (the file is replaced).`, { file: this.connectionFile });
      throw err;
    }
  }

  /** The connection for a new connect to build on: one that does not parse is kept as .bad (said in `warnings`) and read as none. */
  async connectionOrAside(): Promise<OrgConnection | null> {
    try {
      return await this.connection();
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'INVALID_INPUT') throw err;
      const kept = await keepAside(this.connectionFile);
      this.warnings.push(`${this.connectionFile} did not parse; it was kept as ${kept}.`);
      return null;
    }
  }

  async saveConnection(c: OrgConnection): Promise<void> {
    await writeFileAtomic(this.connectionFile, JSON.stringify(c, null, 2) + '\n');
  }

  /** The last discovery; a file that does not parse is set aside (.bad) and read as none. */
  async discovery(): Promise<OrgDiscoveryFile | null> {
    try {
      return await readJsonFile(this.discoveryFile, OrgDiscoveryFile, { source: this.discoveryFile });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      if (!(err instanceof JsonFileError)) throw err;
      const kept = await keepAside(this.discoveryFile);
      this.warnings.push(`${err.message}; it was kept as ${kept}, and the organization will be discovered afresh.`);
      return null;
    }
  }

  async saveDiscovery(d: OrgDiscoveryFile): Promise<void> {
    await writeFileAtomic(this.discoveryFile, JSON.stringify(d) + '\n');
  }
}

async function keepAside(file: string): Promise<string> {
  for (let i = 0; ; i++) {
    const target = `${file}.bad${i ? `.${i}` : ''}`;
    try {
      await fs.link(file, target);
      await fs.unlink(file);
      return target;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
