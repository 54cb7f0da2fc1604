// `pipewright design …` and `pipewright pipelines export`: validate, export,
// import and deploy designs from a terminal, with the app's own modules.
import { writeFile } from 'node:fs/promises';
import { JsonFileError, readTextFile } from '../../node/json-file';
import { EXPORT_FORMATS, exportDesign, type ExportFormat, type ExportOptions } from '../../shared/pipeline/export';
import { importCfnTemplate, importCliJson, ImportError } from '../../shared/pipeline/import';
import { MAX_TEMPLATE_BYTES, TemplateParseError } from '../../shared/pipeline/template';
import { DesignFileError, parseDesignFile, serializeDesign, type DesignFile } from '../../shared/pipeline/design-file';
import { validateDesign } from '../../shared/pipeline/conditional';
import { formatDiff } from '../../shared/pipeline/diff';
import { withServices } from './cli-services';
import { EXIT, UsageError } from './exit-codes';
import { terminalText } from '../../shared/terminal-text';

/** A design, template or get-pipeline file: refused by its type and size before it is read (bad input, exit 2). */
async function read(file: string): Promise<string> {
  try {
    // The parser's own limit (a template), so nothing larger is ever held in memory to be refused later.
    return await readTextFile(file, { maxBytes: MAX_TEMPLATE_BYTES });
  } catch (err) {
    if (err instanceof JsonFileError) throw new UsageError(`Cannot read ${file}: ${err.detail}`);
    throw new UsageError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/** A file that is not what the command takes (no design, no pipeline, broken YAML) is bad input naming it, not a failure. */
function parsed<T>(file: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof DesignFileError || err instanceof ImportError || err instanceof TemplateParseError) throw new UsageError(`${file}: ${err.message}`);
    throw err;
  }
}

/** A design file, or (for convenience) get-pipeline JSON or a template with one pipeline. */
export async function loadDesign(file: string): Promise<DesignFile> {
  const text = await read(file);
  return parsed(file, () => {
    if (/"formatVersion"/.test(text.slice(0, 2000))) return parseDesignFile(text);
    if (/\.(ya?ml|template)$/i.test(file) || /AWSTemplateFormatVersion|"Resources"|^Resources:/m.test(text)) return importCfnTemplate(text);
    return importCliJson(text);
  });
}

async function output(text: string, out: string | undefined, stdout: NodeJS.WritableStream): Promise<void> {
  if (out) await writeFile(out, text);
  else stdout.write(text);
}

export async function runDesignValidate(file: string, stdout = process.stdout): Promise<number> {
  const design = await loadDesign(file);
  const issues = validateDesign(design, { region: design.origin?.region });
  for (const i of issues) stdout.write(`${i.severity === 'error' ? 'error' : 'warning'} ${i.code} at ${i.path.join('.') || '(pipeline)'}: ${i.message}\n`);
  const errors = issues.filter((i) => i.severity === 'error').length;
  stdout.write(`${file}: ${errors} error${errors === 1 ? '' : 's'}, ${issues.length - errors} warning${issues.length - errors === 1 ? '' : 's'}\n`);
  return errors ? EXIT.failed : EXIT.ok;
}

export function checkFormat(format: string): ExportFormat {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format ${JSON.stringify(format)}: a format is one of ${EXPORT_FORMATS.join(', ')}.`);
  return format as ExportFormat;
}

export async function runDesignExport(file: string, o: { format: string; out?: string } & ExportOptions, stdout = process.stdout): Promise<number> {
  // The flag before the file: a format nobody could mean is named as such, whatever the file holds.
  const format = checkFormat(o.format);
  const design = await loadDesign(file);
  await output(exportDesign(design, format, o), o.out, stdout);
  return EXIT.ok;
}

export async function runDesignImport(o: { fromCliJson?: string; fromCfn?: string; resource?: string; out: string }): Promise<number> {
  if (!!o.fromCliJson === !!o.fromCfn) throw new UsageError('Give exactly one of --from-cli-json FILE or --from-cfn FILE.');
  const from = (o.fromCliJson ?? o.fromCfn)!;
  const text = await read(from);
  const design = parsed(from, () => (o.fromCliJson ? importCliJson(text) : importCfnTemplate(text, o.resource)));
  await writeFile(o.out, serializeDesign(design));
  process.stderr.write(
    `Wrote ${o.out}: ${design.pipeline.stages.length} stages, ${design.pipeline.stages.reduce((n, s) => n + s.actions.length, 0)} actions.\n`,
  );
  return EXIT.ok;
}

export async function runPipelinesExport(
  name: string,
  o: { profile: string; region: string; format: string; out?: string },
  stdout = process.stdout,
): Promise<number> {
  const format = checkFormat(o.format);
  return withServices(async ({ designs }) => {
    const design = await designs.exportLive(o.profile, o.region, name);
    await output(exportDesign(design, format), o.out, stdout);
    return EXIT.ok;
  });
}

export async function runDesignDeploy(file: string, o: { profile: string; region: string; yes: boolean }, stdout = process.stdout): Promise<number> {
  const design = await loadDesign(file);
  return withServices(async ({ designs }) => {
    const diff = await designs.diff(design, o.profile, o.region);
    stdout.write(
      // The diff quotes the live pipeline as AWS returned it: shown, never obeyed.
      `${design.pipeline.name} in ${o.region} (${o.profile}), ${diff.creates ? 'new pipeline' : `live version ${diff.liveVersion}`}:\n${terminalText(formatDiff(diff))}\n`,
    );
    if (diff.v1ToV2) stdout.write('Note: this switches the pipeline from V1 to V2, which is priced per action-minute.\n');
    if (diff.conflict) {
      stdout.write(
        `Conflict: the design was made from version ${design.origin?.version}, and the pipeline is now at version ${diff.liveVersion}. Export it again and re-apply your changes.\n`,
      );
      return EXIT.stopped;
    }
    if (!o.yes) {
      stdout.write('Dry run: nothing was changed. Run again with --yes to deploy.\n');
      return EXIT.ok;
    }
    if (!diff.creates && diff.changes.length === 0) {
      stdout.write('Nothing to deploy.\n');
      return EXIT.ok;
    }
    const r = await designs.deploy(design, o.profile, o.region, diff.liveVersion);
    stdout.write(`${r.created ? 'Created' : 'Updated'} ${r.arn}, now at version ${r.version}.\n`);
    return EXIT.ok;
  });
}
