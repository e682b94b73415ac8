import { formatCount } from '../dashboard/format';
import type { ImportSummary } from './import-result';

// A file of 100 000 bad rows would make a table no one reads and a slow page.
const ERRORS_SHOWN = 500;

/** The counts of an import and a table of the rows refused (row, line, device, why). */
export function ImportResult({ summary }: { summary: ImportSummary }) {
  const shown = summary.errors.slice(0, ERRORS_SHOWN);
  return (
    <div className="import-result" data-testid="import-result">
      <p role="status">
        Imported {formatCount(summary.created)} new {summary.created === 1 ? 'device' : 'devices'}, updated {formatCount(summary.updated)};{' '}
        {summary.failed === 0 ? 'no row failed.' : `${formatCount(summary.failed)} ${summary.failed === 1 ? 'row' : 'rows'} failed.`}
      </p>
      <ul className="grid import-counts" aria-label="Import result">
        <li className="stat">
          <div className="label">Created</div>
          <div className="value">{formatCount(summary.created)}</div>
        </li>
        <li className="stat">
          <div className="label">Updated</div>
          <div className="value">{formatCount(summary.updated)}</div>
        </li>
        <li className="stat">
          <div className="label">Failed</div>
          <div className="value">{formatCount(summary.failed)}</div>
        </li>
      </ul>
      {summary.errors.length > 0 && (
        <>
          <table aria-label="Import errors">
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Line</th>
                <th scope="col">Device id</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((failure) => (
                <tr key={failure.row}>
                  <td>{failure.row}</td>
                  <td>{failure.line ?? '—'}</td>
                  <td>{failure.deviceId ?? '—'}</td>
                  <td>{failure.error}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {summary.errors.length > shown.length && (
            <p>
              The first {formatCount(shown.length)} of {formatCount(summary.errors.length)} refused rows are shown.
            </p>
          )}
        </>
      )}
    </div>
  );
}
