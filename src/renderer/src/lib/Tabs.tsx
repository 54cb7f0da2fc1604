// A section's tabs: a tablist of buttons, the active one marked.
export function Tabs<T extends string>(props: { tabs: ReadonlyArray<readonly [T, string]>; active: T; onChange: (tab: T) => void; testIdPrefix: string }) {
  return (
    <div className="tabs" role="tablist">
      {props.tabs.map(([id, label]) => (
        <button
          key={id}
          type="button"
          role="tab"
          aria-selected={props.active === id}
          className={props.active === id ? 'active' : ''}
          onClick={() => props.onChange(id)}
          data-testid={`${props.testIdPrefix}${id}`}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
