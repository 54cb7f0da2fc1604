// Form fields the property panel's editors share: a labelled field (its path lets
// the problems panel focus it), text that shows imported template values
// read-only, and list inputs that keep what the user is typing.
import { useState, type ReactNode } from 'react';
import { describeOpaque, isOpaqueToken } from '../../../../shared/pipeline/opaque';
import type { ConfigField } from '../../../../shared/pipeline/providers';

export type Opaque = Record<string, unknown> | undefined;

export function Field({ label, path, children, help, required }: { label: string; path: string; children: ReactNode; help?: string; required?: boolean }) {
  return (
    <label className="prop" data-field={path}>
      <span>
        {label}
        {required && (
          <span className="req" title="required">
            {' '}
            *
          </span>
        )}
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

export function Text({
  value,
  onChange,
  path,
  opaque,
  ...rest
}: { value: string | undefined; onChange: (v: string) => void; path: string; opaque?: Opaque } & Record<string, unknown>) {
  if (isOpaqueToken(value)) return <OpaqueValue value={value} opaque={opaque} />;
  return <input type="text" value={value ?? ''} onChange={(e) => onChange(e.target.value)} data-path={path} {...rest} />;
}

/**
 * One configuration field of a catalog (an action's provider, a condition's rule):
 * a choice for enums and booleans, else text. Emptying an optional field removes it.
 */
export function ConfigInput({
  field,
  value,
  path,
  opaque,
  onChange,
  ...rest
}: { field: ConfigField; value: string | undefined; path: string; opaque: Opaque; onChange: (v: string | undefined) => void } & Record<string, unknown>) {
  const choices = field.enumValues ?? (field.type === 'boolean' ? ['true', 'false'] : null);
  if (!choices || isOpaqueToken(value))
    return <Text value={value} onChange={(x) => onChange(x === '' && field.required !== true ? undefined : x)} path={path} opaque={opaque} {...rest} />;
  return (
    <select value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)} {...rest}>
      <option value="">—</option>
      {choices.map((x) => (
        <option key={x}>{x}</option>
      ))}
    </select>
  );
}

/** A catalog's configuration fields, each labelled with its path (`${path}.configuration.<name>`) for the problems panel. */
export function ConfigFields({
  fields,
  config,
  path,
  opaque,
  testIdPrefix,
  onChange,
}: {
  fields: readonly ConfigField[];
  config: Record<string, string> | undefined;
  path: string;
  opaque: Opaque;
  testIdPrefix: string;
  onChange: (key: string, v: string | undefined) => void;
}) {
  return fields.map((f) => {
    const fieldPath = `${path}.configuration.${f.name}`;
    return (
      <Field key={f.name} label={f.name} path={fieldPath} help={f.help} required={f.required === true}>
        <ConfigInput
          field={f}
          value={config?.[f.name]}
          path={fieldPath}
          opaque={opaque}
          onChange={(v) => onChange(f.name, v)}
          data-testid={`${testIdPrefix}${f.name}`}
        />
      </Field>
    );
  });
}

/**
 * A list of names: comma-separated on one line, or one per line (globs and paths,
 * which may hold commas). The text as typed is kept while it means the same list,
 * so "Out1, " can grow into "Out1, Out2" instead of losing its comma. A list
 * holding an imported template value is shown read-only.
 */
export function ListInput({
  items,
  onChange,
  perLine = false,
  opaque,
  ...rest
}: { items: string[]; onChange: (items: string[]) => void; perLine?: boolean; opaque?: Opaque } & Record<string, unknown>) {
  const sep = perLine ? '\n' : ', ';
  const [draft, setDraft] = useState(items.join(sep));
  if (items.some(isOpaqueToken))
    return <span>{items.map((v, i) => (isOpaqueToken(v) ? <OpaqueValue key={i} value={v} opaque={opaque} /> : <code key={i}>{v}</code>))}</span>;
  const parse = (text: string) =>
    text
      .split(perLine ? '\n' : ',')
      .map((s) => s.trim())
      .filter(Boolean);
  const shown = parse(draft).join('\u0000') === items.join('\u0000') ? draft : items.join(sep);
  const change = (text: string) => {
    setDraft(text);
    onChange(parse(text));
  };
  return perLine ? (
    <textarea rows={Math.min(4, Math.max(1, items.length + 1))} value={shown} onChange={(e) => change(e.target.value)} {...rest} />
  ) : (
    <input type="text" value={shown} onChange={(e) => change(e.target.value)} {...rest} />
  );
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
