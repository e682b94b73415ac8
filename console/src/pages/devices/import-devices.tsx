import { type FormEvent, useState } from 'react';
import type { components } from '../../../../clients/typescript';
import { unwrap } from '../../api/errors';
import { useSession } from '../../api/session-context';
import { ErrorMessage } from '../../components/error-message';
import { formatCount } from '../dashboard/format';
import { importContentType, importFormatOf, ImportFileError, prepareImport, toNdjson, type PreparedImport } from './import-file';
import { importSummaryOf, unsentSummaryOf, type ImportSummary } from './import-result';
import { ImportResult } from './import-result-view';

type RegisterDevice = components['schemas']['RegisterDeviceDto'];

/** Bulk registration from a JSON, NDJSON or CSV file, with the service's per-row verdicts. */
export function ImportDevices({ onImported }: { onImported: () => void }) {
  const { client } = useSession();
  const [file, setFile] = useState<File | undefined>();
  const [running, setRunning] = useState<string | undefined>();
  const [summary, setSummary] = useState<ImportSummary | undefined>();
  const [error, setError] = useState<unknown>();

  const send = async (prepared: PreparedImport): Promise<ImportSummary> => {
    if (prepared.rows.length === 0) return unsentSummaryOf(prepared);
    const contentType = importContentType(prepared.format);
    const response = await unwrap(
      client.POST('/api/v1/devices/import', {
        // The rows go as the file has them: the service checks each one and reports the bad ones.
        body: prepared.rows.map((row) => row.record) as RegisterDevice[],
        headers: { 'content-type': contentType },
        ...(contentType === 'application/x-ndjson' && { bodySerializer: toNdjson }),
      }),
    );
    return importSummaryOf(prepared, response);
  };

  const run = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSummary(undefined);
    if (file === undefined) {
      setError(new Error('Choose a file to import first.'));
      return;
    }
    const format = importFormatOf(file.name, file.type);
    if (format === undefined) {
      setError(new Error(`${file.name} is not a .json, .ndjson or .csv file.`));
      return;
    }
    setRunning(`Reading ${file.name}…`);
    try {
      const prepared = prepareImport(await file.text(), format);
      setRunning(`Importing ${formatCount(prepared.rows.length)} devices…`);
      const result = await send(prepared);
      setSummary(result);
      if (result.created + result.updated > 0) onImported();
    } catch (failure) {
      setError(failure instanceof ImportFileError ? new Error(`Nothing was imported. ${failure.message}`) : failure);
    } finally {
      setRunning(undefined);
    }
  };

  return (
    <section aria-label="Import devices" className="card">
      <h2>Import devices</h2>
      <p className="hint">
        A JSON array or NDJSON of devices with the fields of a registration, or CSV with a header line: <code>device_id</code>, <code>device_type</code>,{' '}
        <code>device_model</code>, <code>manufacturer</code>, <code>hardware_version</code>, <code>firmware_version</code>, <code>groups</code> and{' '}
        <code>tags</code> (names separated by <code>;</code>), <code>attributes.&lt;name&gt;</code>. Existing devices are updated; imported devices get no token.
      </p>
      <form className="toolbar" onSubmit={(event) => void run(event)} aria-busy={running !== undefined}>
        <label>
          Import file
          <input
            type="file"
            accept=".json,.ndjson,.jsonl,.csv,application/json,application/x-ndjson,text/csv"
            disabled={running !== undefined}
            onChange={(event) => {
              setFile(event.target.files?.[0]);
              setSummary(undefined);
              setError(undefined);
            }}
          />
        </label>
        <button type="submit" className="primary" disabled={running !== undefined}>
          Import
        </button>
      </form>
      {running !== undefined && (
        <div role="status" className="import-running">
          <progress aria-label="Import in progress" /> {running}
        </div>
      )}
      <ErrorMessage error={error} title="Import failed" />
      {summary && <ImportResult summary={summary} />}
    </section>
  );
}
