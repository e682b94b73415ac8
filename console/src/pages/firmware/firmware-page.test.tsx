import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Route, Switch } from 'wouter';
import type { OtaClient } from '../../../../clients/typescript';
import { campaignWith } from '../campaign-live/test-fixtures';
import { renderPage, routedClient, sessionWith } from '../campaigns/test-support';
import { FirmwarePage } from './firmware-page';
import { FIRMWARE_ID, firmwareWith } from './test-fixtures';


/** The page at its route, with the firmware list's route beside it so a navigation away is visible. */
function renderFirmwarePage(client: OtaClient, canWrite = true) {
  return renderPage(
    <Switch>
      <Route path="/firmware/:id">{(params) => <FirmwarePage firmwareId={params.id} />}</Route>
      <Route path="/firmware">
        <h1>Firmware list</h1>
      </Route>
    </Switch>,
    sessionWith(client, canWrite),
    `/firmware/${FIRMWARE_ID}`,
  );
}

const FIRMWARE = firmwareWith({ tags: ['stable', 'eu'], manufacturer: 'Acme', min_hardware_version: 'rev-a', max_hardware_version: 'rev-c', success_rate: 92.34 });
const USING_CAMPAIGN = campaignWith({ campaign_id: 'c'.repeat(32), name: 'Frame rollout', status: 'paused', firmware_id: FIRMWARE_ID, created_at: '2026-02-11T10:00:00.000Z' });

const readRoutes = {
  'GET /api/v1/firmware/{firmware_id}': () => ({ status: 200, body: FIRMWARE }),
  'GET /api/v1/campaigns': () => ({ status: 200, body: { campaigns: [USING_CAMPAIGN], limit: 20, offset: 0, count: 1, total: 1, filters: {} } }),
};

/** The value next to a label of the details list. */
function detail(term: string): HTMLElement {
  const details = screen.getByRole('region', { name: 'Details' });
  const value = within(details).getByText(term, { selector: 'dt' }).nextElementSibling;
  if (!(value instanceof HTMLElement)) throw new Error(`No value for ${term}`);
  return value;
}

describe('FirmwarePage', () => {
  it('shows the firmware: version, size, checksums and the campaigns that use it', async () => {
    const { client, calls } = routedClient(readRoutes);
    renderFirmwarePage(client);

    expect(await screen.findByRole('heading', { level: 1, name: 'Frame 2.1.0' })).toBeInTheDocument();
    expect(detail('Firmware id')).toHaveTextContent(FIRMWARE_ID);
    expect(detail('Version')).toHaveTextContent(/^2\.1\.0$/);
    expect(detail('Device model')).toHaveTextContent(/^SF-1$/);
    expect(detail('Hardware revisions')).toHaveTextContent(/^rev-a to rev-c$/);
    expect(detail('File')).toHaveTextContent(/^frame-2\.1\.0\.bin$/);
    expect(detail('Size')).toHaveTextContent(`3.0 MiB (${(3 * 1024 * 1024).toLocaleString()} bytes)`);
    expect(detail('SHA-256')).toHaveTextContent(new RegExp(`^${'a'.repeat(64)}$`));
    expect(detail('MD5')).toHaveTextContent(new RegExp(`^${'b'.repeat(32)}$`));
    expect(detail('Signature')).toHaveTextContent(/^unsigned$/);
    expect(detail('Success rate')).toHaveTextContent(/^92\.3 %$/);
    expect(within(detail('Tags')).getAllByText(/stable|eu/).map((badge) => badge.textContent)).toEqual(['stable', 'eu']);

    const table = await screen.findByRole('table', { name: 'Campaigns with this firmware' });
    expect(within(table).getByRole('link', { name: 'Frame rollout' })).toHaveAttribute('href', `/campaigns/${'c'.repeat(32)}`);
    expect(within(table).getByText('paused')).toHaveClass('status-paused');

    expect(calls.find((call) => call.path === '/api/v1/firmware/{firmware_id}')?.init.params?.path).toEqual({ firmware_id: FIRMWARE_ID });
    expect(calls.find((call) => call.path === '/api/v1/campaigns')?.init.params?.query).toEqual({ firmware_id: FIRMWARE_ID, limit: 20 });
  });

  it('asks before deleting, says what will happen, and sends nothing when kept', async () => {
    const user = userEvent.setup();
    const { client, calls } = routedClient(readRoutes);
    renderFirmwarePage(client);

    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete?' });
    expect(dialog).toHaveTextContent(
      'Frame 2.1.0 and its binary (3.0 MiB) will be deleted. The service refuses while an unfinished update or campaign uses it.',
    );
    expect(within(dialog).getByRole('button', { name: 'Yes, delete' })).toBeEnabled();

    await user.click(within(dialog).getByRole('button', { name: 'Keep as is' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(calls.filter((call) => call.method === 'DELETE')).toEqual([]);
    expect(screen.getByRole('heading', { level: 1, name: 'Frame 2.1.0' })).toBeInTheDocument();
  });

  it("shows a 409 firmware/in_use answer's detail in the dialog and keeps the firmware", async () => {
    const user = userEvent.setup();
    const inUse = 'Firmware Frame 2.1.0 is used by 1 unfinished campaign (Frame rollout)';
    const { client, calls } = routedClient({
      ...readRoutes,
      'DELETE /api/v1/firmware/{firmware_id}': () => ({ status: 409, body: { detail: inUse, code: 'firmware/in_use' } }),
    });
    const { history } = renderFirmwarePage(client);

    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete?' });
    await user.click(within(dialog).getByRole('button', { name: 'Yes, delete' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(inUse);
    expect(dialog).toHaveAttribute('open');
    expect(within(dialog).getByRole('button', { name: 'Yes, delete' })).toBeEnabled();
    expect(calls.filter((call) => call.method === 'DELETE').map((call) => call.init.params?.path)).toEqual([{ firmware_id: FIRMWARE_ID }]);
    expect(history.at(-1)).toBe(`/firmware/${FIRMWARE_ID}`);
    expect(screen.getByRole('heading', { level: 1, name: 'Frame 2.1.0' })).toBeInTheDocument();
    expect(detail('SHA-256')).toHaveTextContent('a'.repeat(64));
    expect(screen.queryByRole('heading', { name: 'Firmware list' })).not.toBeInTheDocument();
  });

  it('deletes on confirmation and goes to the firmware list', async () => {
    const user = userEvent.setup();
    const { client, calls } = routedClient({
      ...readRoutes,
      'DELETE /api/v1/firmware/{firmware_id}': () => ({ status: 204 }),
    });
    const { history } = renderFirmwarePage(client);

    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Delete?' })).getByRole('button', { name: 'Yes, delete' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Firmware list' })).toBeInTheDocument();
    expect(history.at(-1)).toBe('/firmware');
    expect(screen.queryByRole('heading', { name: 'Frame 2.1.0' })).not.toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(calls.filter((call) => call.method === 'DELETE').map((call) => call.init.params?.path)).toEqual([{ firmware_id: FIRMWARE_ID }]);
  });

  it('offers no Delete to a viewer', async () => {
    const { client } = routedClient(readRoutes);
    renderFirmwarePage(client, false);
    await screen.findByRole('heading', { level: 1, name: 'Frame 2.1.0' });
    await screen.findByRole('table', { name: 'Campaigns with this firmware' });
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
  });

  it("shows the API's detail when the firmware cannot be read", async () => {
    const { client } = routedClient({
      ...readRoutes,
      'GET /api/v1/firmware/{firmware_id}': () => ({ status: 404, body: { detail: `Firmware ${FIRMWARE_ID} not found`, code: 'firmware/not_found' } }),
    });
    renderFirmwarePage(client);
    expect(await screen.findByRole('alert')).toHaveTextContent(`Could not load the firmware: Firmware ${FIRMWARE_ID} not found`);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(FIRMWARE_ID);
    expect(screen.queryByRole('region', { name: 'Details' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
  });
});
