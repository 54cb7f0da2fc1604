// Form fields the property panel's editors share: a labelled field (its path lets
// the problems panel focus it), text that shows imported template values
// read-only, and list inputs that keep what the user is typing.
import { useState, type ReactNode } from 'react';
import { describeOpaque, isOpaqueToken } from '../../../../shared/pipeline/opaque';

export type Opaque = Record<string, unknown> | undefined;

export function Field({ label, path, children, help, required }: { label: string; path: string; children: ReactNode; help?: string; required?: boolean }) {
  return (
    <label className="prop" data-field={path}>
      <span>
        {label}
        {required && <span className="req" title="required"> *</span>}
      </span>
      {children}
      {help && <small className="muted">{help}</small>}
    </label>
  );
}

function OpaqueValue({ value, opaque }: { value: string; opaque: Opaque }) {
  return (
    <code className="opaque" title="An imported template value, kept as is">
      {describeOpaque(value, opaque as never)}
    </code>
  );
}

export function Text({ value, onChange, path, opaque, ...rest }: { value: string | undefined; onChange: (v: string) => void; path: string; opaque?: Opaque } & Record<string, unknown>) {
  if (isOpaqueToken(value)) return <OpaqueValue value={value} opaque={opaque} />;
  return <input type="text" value={value ?? ''} onChange={(e) => onChange(e.target.value)} data-path={path} {...rest} />;
}

/**
 * A list of names: comma-separated on one line, or one per line (globs and paths,
 * which may hold commas). The text as typed is kept while it means the same list,
 * so "Out1, " can grow into "Out1, Out2" instead of losing its comma. A list
 * holding an imported template value is shown read-only.
 */
export function ListInput({ items, onChange, perLine = false, opaque, ...rest }: { items: string[]; onChange: (items: string[]) => void; perLine?: boolean; opaque?: Opaque } & Record<string, unknown>) {
  const sep = perLine ? '\n' : ', ';
  const [draft, setDraft] = useState(items.join(sep));
  if (items.some(isOpaqueToken)) return <span>{items.map((v, i) => (isOpaqueToken(v) ? <OpaqueValue key={i} value={v} opaque={opaque} /> : <code key={i}>{v}</code>))}</span>;
  const parse = (text: string) => text.split(perLine ? '\n' : ',').map((s) => s.trim()).filter(Boolean);
  const shown = parse(draft).join('\u0000') === items.join('\u0000') ? draft : items.join(sep);
  const change = (text: string) => {
    setDraft(text);
    onChange(parse(text));
  };
  return perLine ? <textarea rows={Math.min(4, Math.max(1, items.length + 1))} value={shown} onChange={(e) => change(e.target.value)} {...rest} /> : <input type="text" value={shown} onChange={(e) => change(e.target.value)} {...rest} />;
}

/** Replaces item i of a list (a new list). */
export function replaceAt<T>(list: readonly T[], i: number, item: T): T[] {
  return list.map((x, k) => (k === i ? item : x));
}

/** Removes item i; an emptied list becomes undefined, so no empty key is written. */
export function removeAt<T>(list: readonly T[], i: number): T[] | undefined {
  const next = list.filter((_, k) => k !== i);
  return next.length ? next : undefined;
}
