// A horizontal bar chart: one row per label, bars scaled to the largest value.
import type { Bar } from './artifacts-selectors';

export function Bars({ title, data, testId }: { title: string; data: Bar[]; testId: string }) {
  const max = Math.max(1, ...data.map(([, v]) => v));
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {data.map(([label, value, shown]) => (
        <div key={label} className="bar-row">
          <span className="bar-label" title={label}>
            {label}
          </span>
          <span className="bar" style={{ width: `${(100 * value) / max}%` }} />
          <span className="bar-value">{shown}</span>
        </div>
      ))}
    </figure>
  );
}
