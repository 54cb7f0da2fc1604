// The release file (public format, `version: 1`): one application's pipelines
// per environment, the waves they are promoted in, and the gates between them.
// YAML or JSON; parsed here for the app and the CLI alike, with every error
// naming its line. Keys are kept as published: add, never rename.
import { z } from 'zod';
import YAML, { LineCounter, isNode } from 'yaml';
import { MAX_NESTING, nestedDeeperThan } from '../json-depth';

export const RELEASE_FILE_VERSION = 1;

const EnvName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'an environment name is letters, digits, ".", "_" or "-" (up to 64)');

/**
 * Why an application name would not make a portable folder (releases/<application>/), or null.
 * Windows reserves its device names whatever the case and extension (`CON`, `aux.tar.gz`) and
 * drops a trailing "." or space, so such a name fails or lands in another release's folder.
 */
export function applicationNameProblem(name: string): string | null {
  const base = name.split('.')[0];
  if (/^(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])$/i.test(base))
    return `"${name}" is a reserved device name on Windows (CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9, in any case, with or without an extension): choose another application name`;
  if (/[. ]$/.test(name)) return `an application name may not end in "." or a space (Windows drops it, so "${name}" would share another name's folder)`;
  return null;
}

const ApplicationName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'an application name is letters, digits, ".", "_" or "-" (up to 100)')
  .superRefine((name, ctx) => {
    const problem = applicationNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const ReleaseTarget = z.strictObject({
  profile: z.string().min(1).max(128),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'not a region code'),
  pipeline: z.string().regex(/^[A-Za-z0-9.@\-_]{1,100}$/, 'not a pipeline name'),
  /** The account the pipeline must be in (written by `release init`): a profile that reaches another account is refused. */
  account: z
    .string()
    .regex(/^\d{12}$/, 'an account id is 12 digits')
    .optional(),
});
export type ReleaseTarget = z.infer<typeof ReleaseTarget>;

export const ReleaseEnvironment = z.strictObject({
  name: EnvName,
  targets: z.array(ReleaseTarget).min(1, 'an environment needs at least one target').max(50),
});
export type ReleaseEnvironment = z.infer<typeof ReleaseEnvironment>;

export const ReleaseGate = z.strictObject({
  /** The environment that must have gone first. */
  after: EnvName,
  /** Every target of `after` succeeded with its latest execution. */
  requireSuccess: z.boolean().optional(),
  /** Minutes since `after` succeeded before this environment may start. */
  soakMinutes: z.number().int().min(0).max(43_200).optional(),
  /** A person confirms the promotion (the app asks; the CLI needs --yes). */
  manualConfirmation: z.boolean().optional(),
});
export type ReleaseGate = z.infer<typeof ReleaseGate>;

export const ReleaseFile = z.strictObject({
  version: z.literal(RELEASE_FILE_VERSION, { error: `version must be ${RELEASE_FILE_VERSION}` }),
  application: ApplicationName,
  environments: z.array(ReleaseEnvironment).min(1, 'a release needs at least one environment').max(20),
  /** Ordered; environments within a wave go side by side. Default: one wave per environment, in order. */
  waves: z.array(z.array(EnvName).min(1, 'a wave names at least one environment')).optional(),
  gates: z.record(EnvName, ReleaseGate).optional(),
});
export type ReleaseFile = z.infer<typeof ReleaseFile>;

export interface ReleaseFileError {
  /** 1-based line in the text; null when the text has no lines to point at (an object built in code). */
  line: number | null;
  /** Where in the document: "environments.1.targets.0.region". */
  path: string;
  message: string;
}

export type ParsedRelease = { ok: true; release: ReleaseFile } | { ok: false; errors: ReleaseFileError[] };

/** The waves as the file gives them, or one per environment in order. */
export function wavesOf(r: ReleaseFile): string[][] {
  return r.waves ?? r.environments.map((e) => [e.name]);
}

export const targetKey = (t: ReleaseTarget): string => `${t.profile}|${t.region}|${t.pipeline}`;

/** The environment that goes before this one: its gate's `after`, else the last environment of the previous wave. */
export function previousEnvironment(r: ReleaseFile, env: string): string | null {
  const gate = r.gates?.[env];
  if (gate) return gate.after;
  const waves = wavesOf(r);
  const i = waves.findIndex((w) => w.includes(env));
  return i > 0 ? (waves[i - 1].at(-1) ?? null) : null;
}

/** Checks that need the whole file: names that match, each environment in one wave, gates that point backwards. */
export function releaseProblems(r: ReleaseFile): Array<{ path: Array<string | number>; message: string }> {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const names = new Set<string>();
  r.environments.forEach((e, i) => {
    if (names.has(e.name)) problems.push({ path: ['environments', i, 'name'], message: `environment "${e.name}" is defined twice` });
    names.add(e.name);
  });
  const seenTargets = new Map<string, string>();
  r.environments.forEach((e, i) =>
    e.targets.forEach((t, j) => {
      const key = targetKey(t);
      const other = seenTargets.get(key);
      if (other !== undefined)
        problems.push({
          path: ['environments', i, 'targets', j],
          message: `${t.pipeline} in ${t.region} through ${t.profile} is already a target of "${other}": each pipeline belongs to one environment`,
        });
      seenTargets.set(key, e.name);
    }),
  );
  const waveOf = new Map<string, number>();
  if (r.waves) {
    r.waves.forEach((w, i) =>
      w.forEach((name, j) => {
        if (!names.has(name)) problems.push({ path: ['waves', i, j], message: `unknown environment "${name}" in wave ${i + 1}` });
        else if (waveOf.has(name)) problems.push({ path: ['waves', i, j], message: `environment "${name}" is in more than one wave` });
        else waveOf.set(name, i);
      }),
    );
    for (const [i, e] of r.environments.entries())
      if (!waveOf.has(e.name)) problems.push({ path: ['environments', i, 'name'], message: `environment "${e.name}" is in no wave` });
  } else r.environments.forEach((e, i) => waveOf.set(e.name, i));

  const gates = r.gates ?? {};
  for (const [env, gate] of Object.entries(gates)) {
    if (!names.has(env)) problems.push({ path: ['gates', env], message: `a gate for unknown environment "${env}"` });
    if (!names.has(gate.after)) problems.push({ path: ['gates', env, 'after'], message: `gate "${env}" comes after unknown environment "${gate.after}"` });
    if (gate.after === env) problems.push({ path: ['gates', env, 'after'], message: `gate "${env}" comes after itself` });
  }
  // A cycle (a after b, b after a) can never open: name it whole.
  const reported = new Set<string>();
  for (const start of Object.keys(gates)) {
    const chain: string[] = [];
    let at: string | undefined = start;
    while (at !== undefined && gates[at] && !chain.includes(at)) {
      chain.push(at);
      at = gates[at].after;
    }
    if (at !== undefined && chain.includes(at) && at !== gates[at]?.after) {
      const cycle = chain.slice(chain.indexOf(at));
      const id = [...cycle].sort().join(',');
      if (!reported.has(id)) {
        reported.add(id);
        problems.push({ path: ['gates', start], message: `the gates form a cycle: ${[...cycle, at].join(' after ')}` });
      }
    }
  }
  for (const [env, gate] of Object.entries(gates)) {
    const w = waveOf.get(env);
    const a = waveOf.get(gate.after);
    if (w !== undefined && a !== undefined && gate.after !== env && a >= w)
      problems.push({ path: ['gates', env, 'after'], message: `gate "${env}" comes after "${gate.after}", which is not in an earlier wave` });
  }
  return problems;
}

const pathText = (path: ReadonlyArray<PropertyKey>) => path.map(String).join('.');

/** The largest release file read (a file on disk is refused by its size before it is read). */
export const MAX_RELEASE_FILE_BYTES = 1_000_000;

/** Parses a release file (YAML or JSON) and checks it whole; every error names its line. */
export function parseReleaseFile(text: string): ParsedRelease {
  if (text.length > MAX_RELEASE_FILE_BYTES) return { ok: false, errors: [{ line: null, path: '', message: 'a release file is at most 1 MB' }] };
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const tooDeep = { ok: false as const, errors: [{ line: 1, path: '', message: 'the file nests too deeply to be a release file' }] };
  if (doc.errors.some((e) => /call stack/i.test(e.message))) return tooDeep;
  if (doc.errors.length)
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ line: lineCounter.linePos(e.pos[0]).line, path: '', message: e.message.split('\n')[0] })),
    };
  let value: unknown;
  try {
    // yaml bounds alias expansion (a "billion laughs" file) and throws; hostile input is an error, never a crash.
    value = doc.toJS();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/call stack/i.test(message)) return tooDeep;
    return { ok: false, errors: [{ line: 1, path: '', message: /alias/i.test(message) ? 'the file expands too many aliases to be a release file' : message }] };
  }
  if (nestedDeeperThan(value, MAX_NESTING)) return { ok: false, errors: [{ line: 1, path: '', message: 'the file nests too deeply to be a release file' }] };
  const lineOf = (path: ReadonlyArray<PropertyKey>): number => {
    // The deepest node that exists on the path: a missing key points at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as Array<string | number>, true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };
  const parsed = ReleaseFile.safeParse(value ?? {});
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ line: lineOf(i.path), path: pathText(i.path), message: i.message })),
    };
  const problems = releaseProblems(parsed.data);
  if (problems.length) return { ok: false, errors: problems.map((p) => ({ line: lineOf(p.path), path: pathText(p.path), message: p.message })) };
  return { ok: true, release: parsed.data };
}

/** One line per error, as the CLI prints them: "release.yaml:12: waves.2.0: unknown environment …". */
export function releaseErrorsText(file: string, errors: ReleaseFileError[]): string {
  return errors.map((e) => `${file}${e.line ? `:${e.line}` : ''}: ${e.path ? `${e.path}: ` : ''}${e.message}`).join('\n');
}

/** The file as written by the app and `release init`: YAML (flow-style targets) or JSON. */
export function stringifyReleaseFile(r: ReleaseFile, format: 'yaml' | 'json' = 'yaml'): string {
  if (format === 'json') return JSON.stringify(r, null, 2) + '\n';
  const doc = new YAML.Document(r);
  // Targets and waves read best on one line each, as the documented example shows them.
  YAML.visit(doc, {
    Pair(_key, pair) {
      const key = YAML.isScalar(pair.key) ? String(pair.key.value) : '';
      if (key === 'waves' && YAML.isSeq(pair.value)) pair.value.flow = true;
      if (key === 'targets' && YAML.isSeq(pair.value)) for (const t of pair.value.items) if (YAML.isMap(t)) t.flow = true;
    },
  });
  return `# Pipewright release file (version ${RELEASE_FILE_VERSION}): docs/releases.md\n${doc.toString({ lineWidth: 0 })}`;
}
