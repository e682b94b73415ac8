import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { components, OtaClient } from '../../../../clients/typescript';
import { campaignWith } from '../campaign-live/test-fixtures';
import { renderPage, type RouteInit, routedClient, sessionWith } from '../campaigns/test-support';
import { FIRMWARE_ID, firmwareWith } from '../firmware/test-fixtures';
import { DevicePage } from './device-page';
import type { Device } from './device-query';
import type { DeviceUpdate } from './update-timeline';

type History = components['schemas']['DeviceUpdateHistoryResponseDto'];

// An id with a slash: links encode it, the page decodes it before calling the API.
const DEVICE_ID = 'lab/frame-42';
const CAMPAIGN_ID = '1'.repeat(32);
const GONE_CAMPAIGN_ID = '9abcdef0'.repeat(4);

function deviceWith(over: Partial<Device>): Device {
  return {
    device_id: DEVICE_ID, device_type: 'smart_frame', device_model: 'SF-1', manufacturer: 'Acme', hardware_version: 'rev-b', firmware_version: '2.0.0',
    groups: ['lab', 'eu'], tags: ['wifi'], attributes: { color: 'black', screen_inches: 10.1 }, has_token: true, token_issued_at: '2026-02-01T08:00:00.000Z',
    last_seen_at: '2026-03-02T12:30:00.000Z', created_at: '2026-01-15T07:00:00.000Z', updated_at: '2026-02-20T16:45:00.000Z',
    ...over,
  };
}

function updateWith(over: Partial<DeviceUpdate>): DeviceUpdate {
  return {
    update_id: 'u0', device_id: DEVICE_ID, campaign_id: null, kind: 'update', firmware_id: FIRMWARE_ID, firmware: firmwareWith({}), status: 'created', priority: 'normal',
    maintenance_window: null, download_size: null, download_speed: null, progress_percentage: 0, current_phase: null, from_version: '2.0.0', to_version: '2.1.0',
    scheduled_at: null, started_at: null, completed_at: null, timeout_at: null, next_retry_at: null, health_deadline: null, health_confirmed_at: null,
    error_code: null, error_message: null, retry_count: 0, max_retries: 3, timeout_minutes: 60, force_update: false, pre_update_commands: [], post_update_commands: [],
    bytes_downloaded: 0, download_progress: 0, signature_verified: false, checksum_verified: false, created_by: 'scheduler',
    created_at: '2026-03-01T10:00:00.000Z', updated_at: '2026-03-01T10:00:00.000Z',
    ...over,
  };
}

// Newest first, as the API lists them: one downloading (campaign), one failed (sent directly), one completed
// from a campaign since deleted whose firmware was deleted too.
const UPDATES = [
  updateWith({
    update_id: 'u3', campaign_id: CAMPAIGN_ID, status: 'downloading', progress_percentage: 42.4, from_version: '2.0.0', to_version: '2.1.0',
    created_at: '2026-03-03T09:00:00.000Z', started_at: '2026-03-03T09:01:00.000Z',
  }),
  updateWith({
    update_id: 'u2', status: 'failed', progress_percentage: 80, from_version: '1.9.0', to_version: '2.0.0', firmware: firmwareWith({ version: '2.0.0' }),
    error_code: 'install_failed', error_message: 'flash write error', retry_count: 2, max_retries: 3,
    created_at: '2026-02-20T08:00:00.000Z', started_at: '2026-02-20T08:05:00.000Z', completed_at: '2026-02-20T08:20:00.000Z',
  }),
  updateWith({
    update_id: 'u1', campaign_id: GONE_CAMPAIGN_ID, kind: 'rollback', status: 'completed', progress_percentage: 100, from_version: null, to_version: '1.9.0',
    firmware: null, created_at: '2026-01-20T06:00:00.000Z', started_at: '2026-01-20T06:02:00.000Z', completed_at: '2026-01-20T06:30:00.000Z',
    health_confirmed_at: '2026-01-20T07:00:00.000Z',
  }),
];

function historyWith(over: Partial<History>): History {
  return { device_id: DEVICE_ID, updates: UPDATES, last_update: UPDATES[0] ?? null, total_updates: 7, successful_updates: 4, failed_updates: 2, avg_success_rate: 66.666, ...over };
}

function routesWith(history: History) {
  return {
    'GET /api/v1/devices/{device_id}': () => ({ status: 200, body: deviceWith({}) }),
    'GET /api/v1/devices/{device_id}/updates': () => ({ status: 200, body: history }),
    'GET /api/v1/campaigns/{campaign_id}': (init: RouteInit) =>
      init.params?.path?.campaign_id === CAMPAIGN_ID
        ? { status: 200, body: campaignWith({ campaign_id: CAMPAIGN_ID, name: 'Lab to 2.1.0' }) }
        : { status: 404, body: { detail: 'Campaign not found', code: 'campaign/not_found' } },
  };
}

function renderDevicePage(client: OtaClient) {
  const param = encodeURIComponent(DEVICE_ID);
  return renderPage(<DevicePage deviceId={param} />, sessionWith(client), `/devices/${param}`);
}

/** The value next to a label of the device's details. */
function detail(term: string): HTMLElement {
  const details = screen.getByRole('region', { name: 'Details' });
  const value = within(details).getByText(term, { selector: 'dt' }).nextElementSibling;
  if (!(value instanceof HTMLElement)) throw new Error(`No value for ${term}`);
  return value;
}

/** The labelled times of one timeline entry, as `label ISO`. */
function timesOf(entry: HTMLElement): string[] {
  return [...entry.querySelectorAll('.update-times > span')].map((span) => `${span.firstChild?.textContent?.trim()} ${span.querySelector('time')?.getAttribute('dateTime')}`);
}

describe('DevicePage', () => {
  it("shows the device's fields as the API gives them", async () => {
    const { client, calls } = routedClient(routesWith(historyWith({})));
    renderDevicePage(client);

    expect(screen.getByRole('heading', { level: 1, name: DEVICE_ID })).toBeInTheDocument();
    await screen.findByRole('region', { name: 'Details' });
    expect(detail('Device type')).toHaveTextContent(/^smart_frame$/);
    expect(detail('Device model')).toHaveTextContent(/^SF-1$/);
    expect(detail('Manufacturer')).toHaveTextContent(/^Acme$/);
    expect(detail('Hardware version')).toHaveTextContent(/^rev-b$/);
    expect(detail('Firmware version')).toHaveTextContent(/^2\.0\.0$/);
    expect(detail('Status')).toHaveTextContent(/^checked in$/);
    expect(within(detail('Groups')).getAllByText(/.+/).map((badge) => badge.textContent)).toEqual(['lab', 'eu']);
    expect(detail('Tags')).toHaveTextContent(/^wifi$/);
    expect(detail('Device token')).toHaveTextContent(`issued ${new Date('2026-02-01T08:00:00.000Z').toLocaleString()}`);
    expect(detail('Last seen')).toHaveTextContent(new Date('2026-03-02T12:30:00.000Z').toLocaleString());
    expect(detail('Registered')).toHaveTextContent(new Date('2026-01-15T07:00:00.000Z').toLocaleString());

    const attributes = screen.getByRole('table', { name: 'Attributes' });
    const rows = within(attributes).getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));
    expect(rows).toEqual([['color', 'black'], ['screen_inches', '10.1']]);

    expect(calls.find((call) => call.path === '/api/v1/devices/{device_id}')?.init.params?.path).toEqual({ device_id: DEVICE_ID });
    expect(calls.find((call) => call.path === '/api/v1/devices/{device_id}/updates')?.init.params).toEqual({ path: { device_id: DEVICE_ID }, query: { limit: 50 } });
  });

  it('says when a device has no token and was never seen', async () => {
    const { client } = routedClient({
      ...routesWith(historyWith({ updates: [], last_update: null, total_updates: 0, successful_updates: 0, failed_updates: 0, avg_success_rate: null })),
      'GET /api/v1/devices/{device_id}': () => ({ status: 200, body: deviceWith({ has_token: false, token_issued_at: null, last_seen_at: null, groups: [], attributes: {} }) }),
    });
    renderDevicePage(client);
    await screen.findByRole('region', { name: 'Details' });
    expect(detail('Status')).toHaveTextContent(/^no token$/);
    expect(detail('Device token')).toHaveTextContent(/^none \(issue one before the device can call the device API\)$/);
    expect(detail('Last seen')).toHaveTextContent(/^—$/);
    expect(detail('Groups')).toHaveTextContent(/^—$/);
    expect(screen.queryByRole('table', { name: 'Attributes' })).not.toBeInTheDocument();

    const history = screen.getByRole('region', { name: 'Update history' });
    expect(await within(history).findByText('This device has had no update.')).toBeInTheDocument();
    expect(history).toHaveTextContent('0 updates: 0 succeeded, 0 failed.');
    expect(within(history).queryAllByRole('listitem')).toEqual([]);
  });

  it("lists the device's updates newest first with their status, times, firmware, source and error", async () => {
    const { client, calls } = routedClient(routesWith(historyWith({})));
    renderDevicePage(client);

    const timeline = await screen.findByRole('list', { name: 'Update history' });
    const history = screen.getByRole('region', { name: 'Update history' });
    expect(history).toHaveTextContent('7 updates: 4 succeeded, 2 failed (success rate 66.7 %). The newest 3 are shown.');

    const entries = within(timeline).getAllByRole('listitem');
    expect(entries.map((entry) => entry.querySelector('strong')?.textContent)).toEqual(['2.0.0 → 2.1.0', '1.9.0 → 2.0.0', 'unknown → 1.9.0']);
    expect(entries.map((entry) => entry.querySelector('.status')?.textContent)).toEqual(['downloading', 'failed', 'completed']);
    expect(entries.map((entry) => entry.querySelector('.status')?.className)).toEqual(['status status-downloading', 'status status-failed', 'status status-completed']);
    expect(entries.map((entry) => entry.querySelector('.badge')?.textContent)).toEqual(['update', 'update', 'rollback']);

    const [working, failed, rolledBack] = entries as [HTMLElement, HTMLElement, HTMLElement];
    // Newest: still working, so its progress shows; it came from a campaign, named once the lookup answers.
    expect(within(working).getByText('42 %')).toBeInTheDocument();
    expect(await within(working).findByRole('link', { name: 'Campaign Lab to 2.1.0' })).toHaveAttribute('href', `/campaigns/${CAMPAIGN_ID}`);
    expect(within(working).getByRole('link', { name: 'Frame 2.1.0' })).toHaveAttribute('href', `/firmware/${FIRMWARE_ID}`);
    expect(timesOf(working)).toEqual(['Created 2026-03-03T09:00:00.000Z', 'Started 2026-03-03T09:01:00.000Z']);
    expect(within(working).getByText(new Date('2026-03-03T09:01:00.000Z').toLocaleString())).toHaveAttribute('dateTime', '2026-03-03T09:01:00.000Z');

    // Failed: sent directly, retried, with the device's error; a finished update shows no progress.
    expect(failed).toHaveTextContent('Frame 2.0.0 · sent directly, not by a campaign · retried 2 of 3 times');
    expect(failed.querySelector('.update-error')).toHaveTextContent(/^Error install_failed: flash write error$/);
    expect(within(failed).getByText('install_failed').tagName).toBe('CODE');
    expect(failed).not.toHaveTextContent('%');
    expect(timesOf(failed)).toEqual(['Created 2026-02-20T08:00:00.000Z', 'Started 2026-02-20T08:05:00.000Z', 'Finished 2026-02-20T08:20:00.000Z']);

    // Oldest: its firmware and campaign are gone; the campaign shows its short id.
    expect(rolledBack).toHaveTextContent('firmware deleted');
    expect(within(rolledBack).getByRole('link', { name: 'Campaign 9abcdef0' })).toHaveAttribute('href', `/campaigns/${GONE_CAMPAIGN_ID}`);
    expect(rolledBack.querySelector('.update-error')).toBeNull();
    expect(timesOf(rolledBack)).toEqual([
      'Created 2026-01-20T06:00:00.000Z',
      'Started 2026-01-20T06:02:00.000Z',
      'Finished 2026-01-20T06:30:00.000Z',
      'Confirmed healthy 2026-01-20T07:00:00.000Z',
    ]);

    const lookups = calls.filter((call) => call.path === '/api/v1/campaigns/{campaign_id}').map((call) => call.init.params?.path?.campaign_id);
    expect(lookups.sort()).toEqual([CAMPAIGN_ID, GONE_CAMPAIGN_ID].sort());
  });

  it("shows the API's detail when the device or its updates cannot be read", async () => {
    const { client } = routedClient({
      'GET /api/v1/devices/{device_id}': () => ({ status: 404, body: { detail: `Device ${DEVICE_ID} not found`, code: 'device/not_found' } }),
      'GET /api/v1/devices/{device_id}/updates': () => ({ status: 500, body: { detail: 'Internal error (request r-17)', code: 'internal', request_id: 'r-17' } }),
    });
    renderDevicePage(client);

    await waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(2));
    const [deviceError, historyError] = screen.getAllByRole('alert') as [HTMLElement, HTMLElement];
    expect(deviceError).toHaveTextContent(`Could not load the device: Device ${DEVICE_ID} not found`);
    expect(within(deviceError).getByTestId('error-detail')).toHaveTextContent(new RegExp(`^Device ${DEVICE_ID} not found$`));
    expect(screen.getByRole('region', { name: 'Update history' })).toContainElement(historyError);
    expect(historyError).toHaveTextContent('Could not load the updates: Internal error (request r-17)');
    expect(screen.queryByRole('region', { name: 'Details' })).not.toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Update history' })).not.toBeInTheDocument();
    expect(screen.queryByText('Loading…')).not.toBeInTheDocument();
  });
});
