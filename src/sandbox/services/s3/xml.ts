// XML in and out through fast-xml-parser: the sandbox never parses XML by hand.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { SandboxError } from '../../errors';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, format: false });
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  removeNSPrefix: true,
  isArray: (name) => ['Object', 'Rule', 'Tag', 'Transition', 'NoncurrentVersionTransition', 'Part'].includes(name),
});

export function toXml(root: string, body: unknown, xmlns?: string): string {
  const content = xmlns ? { '@_xmlns': xmlns, ...(body as object) } : body;
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + builder.build({ [root]: content });
}

/** S3's request documents nest a few levels; anything far deeper is refused before a parser recurses into it. */
const MAX_XML_DEPTH = 32;
const TAG = /<(\/?)([^\s/>!?]+)[^>]*?(\/?)>/g;
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const malformed = (detail: string) =>
  new SandboxError('MalformedXML', `The XML you provided was not well-formed or did not validate against our published schema: ${detail}.`, 400);

/**
 * Parses a request body; anything not well-formed is S3's MalformedXML (400),
 * never a 500: DTDs and entities (S3 takes none), nesting past 32 levels, and
 * element names that would reach an object's prototype are refused first.
 */
export function parseXml(text: string): Record<string, unknown> {
  if (!text.trim()) throw malformed('the body is empty');
  if (/<!(DOCTYPE|ENTITY)/i.test(text)) throw malformed('document type declarations are not allowed');
  let depth = 0;
  for (const m of text.matchAll(TAG)) {
    if (m[2].startsWith('?')) continue;
    if (FORBIDDEN_NAMES.has(m[2].replace(/^[^:]*:/, ''))) throw malformed(`element <${m[2]}> is not allowed`);
    if (m[1]) depth--;
    else if (!m[3]) depth++;
    if (depth > MAX_XML_DEPTH) throw malformed(`it nests deeper than ${MAX_XML_DEPTH} levels`);
  }
  try {
    const valid = XMLValidator.validate(text);
    if (valid !== true) throw malformed(`${valid.err.msg} (line ${valid.err.line})`);
    return parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof SandboxError) throw err;
    throw malformed('it could not be parsed');
  }
}
