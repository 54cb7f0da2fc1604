// XML in and out through fast-xml-parser: the sandbox never parses XML by hand.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { SandboxError } from './errors';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, format: false });
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  removeNSPrefix: true,
  isArray: (name) => ['Object', 'Rule', 'Tag', 'Transition', 'NoncurrentVersionTransition'].includes(name),
});

export function toXml(root: string, body: unknown, xmlns?: string): string {
  const content = xmlns ? { '@_xmlns': xmlns, ...(body as object) } : body;
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + builder.build({ [root]: content });
}

/** Parses a request body; anything not well-formed is S3's MalformedXML. */
export function parseXml(text: string): Record<string, unknown> {
  if (!text.trim()) throw new SandboxError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.', 400);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new SandboxError('MalformedXML', `The XML you provided was not well-formed: ${valid.err.msg} (line ${valid.err.line}).`, 400);
  return parser.parse(text) as Record<string, unknown>;
}
