// Export profiles: the discovered accounts written into ~/.aws/config (or another
// file) inside Pipewright's marked block, after a preview. The pure edit is
// src/shared/org/aws-config-block.ts; this reads the file, plans (what the block
// will hold, what it changes, what is left out and why), and writes only if the
// file is still what the preview was made from. A file that cannot be parsed is
// refused; the user's sections are never touched (a profile or sso-session of
// theirs with a name the block would use is left as it is, and said so).
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../node/atomic-file';
import { readTextFile } from '../../node/json-file';
import { AppError } from '../../shared/api/errors';
import {
  diffBlockSections,
  parseAwsConfig,
  renderBlock,
  replaceBlock,
  type ExportedProfile,
  type SectionChange,
  type SsoSessionSection,
} from '../../shared/org/aws-config-block';
import { sameStartUrl } from '../../shared/org/sso-token';

/** A config file is small; one beyond this is not one we should rewrite. */
const MAX_CONFIG_BYTES = 16 * 2 ** 20;

export interface ExportPlan {
  file: string;
  exists: boolean;
  /** The file's text the plan was made from (writing checks it is still that). */
  before: string;
  after: string;
  remove: boolean;
  /** Whether the file had Pipewright's block for this organization already. */
  hadBlock: boolean;
  /** Section by section, what the block's replacement changes. */
  changes: SectionChange[];
  /** The profiles the block holds. */
  profiles: ExportedProfile[];
  /** Profiles left out because the user's own sections use the name. */
  alreadyThere: Array<{ name: string; line: number }>;
  /** Whether the block holds the [sso-session] (false: the user's file has it). */
  sessionWritten: boolean;
  unchanged: boolean;
}

async function readConfig(file: string): Promise<{ text: string; exists: boolean }> {
  try {
    return { text: await readTextFile(file, { maxBytes: MAX_CONFIG_BYTES }), exists: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', exists: false };
    throw new AppError('INVALID_INPUT', `${file} cannot be read, so it was not changed: ${(err as Error).message}`, { file });
  }
}

export async function planExport(o: {
  file: string;
  blockName: string;
  session: SsoSessionSection;
  profiles: ExportedProfile[];
  remove: boolean;
}): Promise<ExportPlan> {
  const { text, exists } = await readConfig(o.file);
  const parsed = parseAwsConfig(text, o.file, o.blockName);
  const theirs = parsed.sections.filter((s) => !s.inBlock);
  const ours = parsed.sections.filter((s) => s.inBlock);
  const base = { file: o.file, exists, before: text, remove: o.remove, hadBlock: !!parsed.block };
  if (o.remove) {
    const after = replaceBlock(text, parsed, null);
    return {
      ...base,
      after,
      changes: diffBlockSections(ours, []),
      profiles: [],
      alreadyThere: [],
      sessionWritten: false,
      unchanged: after === text,
    };
  }
  const userSession = theirs.find((s) => s.kind === 'sso-session' && s.name === o.session.name);
  if (userSession) {
    const url = userSession.values.sso_start_url;
    const region = userSession.values.sso_region;
    if (!sameStartUrl(url, o.session.startUrl) || region !== o.session.region)
      throw new AppError(
        'INVALID_INPUT',
        `${o.file}:${userSession.line}: [sso-session ${o.session.name}] is ${url ?? 'without a start URL'} in ${region ?? 'no region'}, not ${o.session.startUrl} in ${o.session.region}. Nothing was written: connect the organization under another --name.`,
        { file: o.file },
      );
  }
  const taken = new Map(theirs.filter((s) => s.kind === 'profile').map((s) => [s.name, s.line]));
  const alreadyThere = o.profiles.filter((p) => taken.has(p.name)).map((p) => ({ name: p.name, line: taken.get(p.name)! }));
  const profiles = o.profiles.filter((p) => !taken.has(p.name));
  const block = renderBlock({ blockName: o.blockName, session: o.session, includeSession: !userSession, profiles, eol: parsed.eol });
  const after = replaceBlock(text, parsed, block);
  // What we are about to write must read back as we mean it (the block's sections, the user's untouched).
  const reread = parseAwsConfig(after, o.file, o.blockName);
  const theirsAfter = reread.sections.filter((s) => !s.inBlock);
  if (JSON.stringify(theirsAfter.map((s) => [s.kind, s.name, s.values])) !== JSON.stringify(theirs.map((s) => [s.kind, s.name, s.values])))
    throw new AppError('INTERNAL', `The new block would change sections of ${o.file} outside it; nothing was written.`);
  return {
    ...base,
    after,
    changes: diffBlockSections(
      ours,
      reread.sections.filter((s) => s.inBlock),
    ),
    profiles,
    alreadyThere,
    sessionWritten: !userSession,
    unchanged: after === text,
  };
}

/** Writes the plan's text, atomically, keeping the file's mode; refused if the file changed since the plan was made. */
export async function writeExport(plan: ExportPlan): Promise<void> {
  if (plan.unchanged) return;
  const now = await readConfig(plan.file);
  if (now.text !== plan.before || now.exists !== plan.exists)
    throw new AppError('CONFLICT', `${plan.file} changed since the preview was made; nothing was written. Run the command again.`, { file: plan.file });
  const mode = plan.exists ? (await fs.stat(plan.file)).mode & 0o777 : 0o600;
  await fs.mkdir(dirname(plan.file), { recursive: true });
  await writeFileAtomic(plan.file, plan.after);
  // writeFileAtomic makes the file 0600; the user's config keeps the mode it had.
  if (mode !== 0o600) await fs.chmod(plan.file, mode);
}
