// The boundary between the SDK's shapes and the model: what a service answers is
// parsed into the model's zod types here, never cast. An answer that does not
// parse is an error that names the call, not a surprise further in.
import { PipelineDeclaration } from '../../shared/pipeline/model';

/** A pipeline declaration as GetPipeline answered it (with its version, which the model keeps as an optional field). */
export function declarationFromSdk(raw: unknown, name: string): PipelineDeclaration {
  const r = PipelineDeclaration.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`GetPipeline for ${name} answered a declaration Pipewright cannot read (${i.path.join('.') || 'pipeline'}: ${i.message}).`);
  }
  return r.data;
}
