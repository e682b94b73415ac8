import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Session } from '../../api/session';
import { SessionContext } from '../../api/session-context';
import { ImportDevices } from './import-devices';

type PostOptions = { body: unknown; headers: Record<string, string>; bodySerializer?: (body: unknown) => string };

function renderImport(answer: (options: PostOptions) => { status: number; body: unknown }) {
  const post = vi.fn(async (_path: string, options: PostOptions) => {
    const { status, body } = answer(options);
    const response = new Response(JSON.stringify(body), { status });
    return status === 200 ? { data: body, response } : { error: body, response };
  });
  const session = { client: { POST: post }, canWrite: true } as unknown as Session;
  const onImported = vi.fn();
  render(
    <SessionContext.Provider value={{ session, signOut: () => undefined }}>
      <ImportDevices onImported={onImported} />
    </SessionContext.Provider>,
  );
  return { post, onImported };
}

// Vitest runs without globals, so Testing Library cannot unmount by itself.

describe('ImportDevices', () => {
  it('sends a CSV file as NDJSON and lists the rows refused by the console and by the service', async () => {
    const user = userEvent.setup();
    const { post, onImported } = renderImport(() => ({
      status: 200,
      body: { created: 1, updated: 1, failed: [{ index: 2, device_id: 'sf-4', error: 'firmware_version: longer than 50 characters' }] },
    }));
    const csv = 'device_id,device_model,groups\nsf-1,SF-1,lab;eu\nsf-2,SF-1\nsf-3,SF-1,\nsf-4,SF-1,\n';
    await user.upload(screen.getByLabelText('Import file'), new File([csv], 'fleet.csv', { type: 'text/csv' }));
    await user.click(screen.getByRole('button', { name: 'Import' }));

    const table = await screen.findByRole('table', { name: 'Import errors' });
    const [path, options] = post.mock.calls[0] ?? [];
    expect(path).toBe('/api/v1/devices/import');
    expect(options?.headers).toEqual({ 'content-type': 'application/x-ndjson' });
    expect(options?.bodySerializer?.(options.body)).toBe(
      '{"device_id":"sf-1","device_model":"SF-1","groups":["lab","eu"]}\n{"device_id":"sf-3","device_model":"SF-1"}\n{"device_id":"sf-4","device_model":"SF-1"}',
    );

    expect(screen.getByText(/Imported 1 new device, updated 1; 2 rows failed\./)).toBeInTheDocument();
    const rows = within(table).getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));
    expect(rows).toEqual([
      ['2', '3', 'sf-2', '2 cells where the header has 3'],
      ['4', '5', 'sf-4', 'firmware_version: longer than 50 characters'],
    ]);
    expect(onImported).toHaveBeenCalledOnce();
  });

  it('sends a JSON file as a JSON array', async () => {
    const user = userEvent.setup();
    const { post } = renderImport(() => ({ status: 200, body: { created: 2, updated: 0, failed: [] } }));
    await user.upload(screen.getByLabelText('Import file'), new File(['[{"device_id":"a"},{"device_id":"b"}]'], 'fleet.json', { type: 'application/json' }));
    await user.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByText(/Imported 2 new devices, updated 0; no row failed\./)).toBeInTheDocument();
    const options = post.mock.calls[0]?.[1];
    expect(options?.headers).toEqual({ 'content-type': 'application/json' });
    expect(options?.bodySerializer).toBeUndefined();
    expect(options?.body).toEqual([{ device_id: 'a' }, { device_id: 'b' }]);
    expect(screen.queryByRole('table', { name: 'Import errors' })).not.toBeInTheDocument();
  });

  it("shows the service's detail when it refuses the whole import", async () => {
    const user = userEvent.setup();
    renderImport(() => ({ status: 413, body: { detail: 'More than 100 000 rows', code: 'device/import_too_large', request_id: 'r' } }));
    await user.upload(screen.getByLabelText('Import file'), new File(['{"device_id":"a"}'], 'fleet.ndjson'));
    await user.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('More than 100 000 rows');
  });

  it('sends nothing for a CSV file whose header it cannot map', async () => {
    const user = userEvent.setup();
    const { post } = renderImport(() => ({ status: 200, body: { created: 0, updated: 0, failed: [] } }));
    await user.upload(screen.getByLabelText('Import file'), new File(['serial,model\n1,2'], 'fleet.csv'));
    await user.click(screen.getByRole('button', { name: 'Import' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Nothing was imported. Unknown CSV columns: serial, model');
    expect(post).not.toHaveBeenCalled();
  });
});
