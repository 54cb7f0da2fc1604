// Opening a file in the designer: a design file, `get-pipeline` JSON, or a
// CloudFormation template (asking which pipeline when it has several). Pure, so
// the renderer runs it in a worker, off the UI thread, and tests run it as is.
// The text is parsed once: choosing among a template's pipelines reuses the parse.
import { parseDesignFile, type DesignFile } from './design-file';
import { importCfnDocument, importCliDocument, pipelineResources, type ParsedTemplate } from './import';
import { parseTemplateText } from './template';

export type OpenResult = { kind: 'design'; design: DesignFile } | { kind: 'choose'; resources: string[] } | { kind: 'error'; message: string };

/** The last template parsed, for the choice that follows it. */
let last: { text: string; parsed: ParsedTemplate } | null = null;

export function openFileText(text: string, logicalId?: string): OpenResult {
  try {
    if (/"formatVersion"/.test(text.slice(0, 2000))) return { kind: 'design', design: parseDesignFile(text) };
    const parsed = last?.text === text ? last.parsed : parseTemplateText(text);
    const ids = pipelineResources(parsed.doc);
    if (ids.length > 1 && !logicalId) {
      last = { text, parsed };
      return { kind: 'choose', resources: ids };
    }
    last = null;
    return { kind: 'design', design: ids.length ? importCfnDocument(parsed, logicalId ?? ids[0]) : importCliDocument(parsed) };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
