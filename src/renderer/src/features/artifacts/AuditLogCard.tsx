// The audit log: the last 50 entries of the JSON-lines log every cleanup,
// dry run, bucket deletion and lifecycle rule appends to, newest first.
import { logCount, logText } from './artifacts-format';

export function AuditLogCard({ log }: { log: Array<Record<string, unknown>> }) {
  return (
    <section className="card" data-testid="audit-log">
      <h2>Audit log</h2>
      {log.length === 0 ? (
        <p className="muted small">No cleanup has run yet.</p>
      ) : (
        <table className="table small">
          <tbody>
            {log
              .slice(-50)
              .reverse()
              .map((e, i) => (
                <tr key={i} data-testid="log-row" data-event={logText(e.event)}>
                  <td>{logText(e.time).replace('T', ' ').slice(0, 19)}</td>
                  <td>{logText(e.event).replace(/^dry-run-(.*)$/, 'dry run: $1')}</td>
                  <td>{e.bucket ? `s3://${logText(e.bucket)}/${logText(e.prefix)}` : ''}</td>
                  <td>{logCount(e)}</td>
                  <td>{logText(e.result ?? e.reason)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
