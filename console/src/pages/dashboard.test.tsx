import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { components } from '../../../clients/typescript';
import { campaignWith } from './campaign-live/test-fixtures';
import { renderPage, routedClient, sessionWith } from './campaigns/test-support';
import { DashboardPage } from './dashboard';
import type { Campaign } from './dashboard/campaign-progress';
import { firmwareWith } from './firmware/test-fixtures';

vi.mock('uplot', () => import('../fake-uplot'));

type FleetStats = components['schemas']['FleetStatsResponseDto'];

const STATS: FleetStats = {
  success_rate: 90, avg_update_time: 2.5, updates_by_device_type: {}, updates_by_firmware_version: {}, total_campaigns: 5, active_campaigns: 2,
  completed_campaigns: 2, failed_campaigns: 1, total_updates: 50, pending_updates: 3, in_progress_updates: 4, completed_updates: 36, failed_updates: 4,
  total_data_transferred: 0, last_24h_updates: 6, last_24h_failures: 1, last_24h_data_transferred: 0,
};

const page = (items: unknown[], key: string) => ({ status: 200, body: { [key]: items, limit: 200, offset: 0, count: items.length, total: items.length, filters: {} } });

/** The dashboard's API, with `campaigns` answered per the `status` filter, as the service does. */
function service(campaigns: Campaign[]) {
  return routedClient({
    'GET /api/v1/stats': () => ({ status: 200, body: STATS }),
    'GET /api/v1/devices': () => page([], 'devices'),
    'GET /api/v1/firmware': () => page([], 'firmware'),
    'GET /api/v1/campaigns': (init) => page(campaigns.filter((campaign) => campaign.status === init.params?.query?.status), 'campaigns'),
  });
}

const ROLLING = campaignWith({
  campaign_id: 'a'.repeat(32), name: 'Lab to 2.1.0', status: 'in_progress', firmware: firmwareWith({ name: 'Frame', version: '2.1.0' }),
  total_devices: 40, completed_devices: 8, failed_devices: 2, cancelled_devices: 0, created_at: '2026-03-01T09:00:00.000Z',
});
const PAUSED = campaignWith({
  campaign_id: 'b'.repeat(32), name: 'Night shift', status: 'paused', total_devices: 8, completed_devices: 2, failed_devices: 0, cancelled_devices: 1,
  created_at: '2026-03-02T09:00:00.000Z',
});
const SCHEDULED = campaignWith({
  campaign_id: 'c'.repeat(32), name: 'Weekend', status: 'scheduled', total_devices: null, target_device_count: 20, completed_devices: 0, failed_devices: 0,
  cancelled_devices: 0, created_at: '2026-03-03T09:00:00.000Z',
});
const FINISHED = campaignWith({ campaign_id: 'd'.repeat(32), name: 'Done already', status: 'completed', total_devices: 5, completed_devices: 5 });

describe('DashboardPage', () => {
  it('shows each active campaign with a link and a progress bar of its finished devices', async () => {
    const { client, calls } = service([SCHEDULED, FINISHED, PAUSED, ROLLING]);
    renderPage(<DashboardPage />, sessionWith(client));

    const table = await screen.findByRole('table', { name: 'Active campaigns' });
    const rows = within(table).getAllByRole('row').slice(1);
    // Rolling out first, then paused, then waiting to start; a finished campaign is not there.
    expect(rows.map((row) => within(row).getByRole('link').textContent)).toEqual(['Lab to 2.1.0', 'Night shift', 'Weekend']);
    expect(within(table).queryByText('Done already')).not.toBeInTheDocument();

    const [rolling, paused, scheduled] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(rolling).getByRole('link', { name: 'Lab to 2.1.0' })).toHaveAttribute('href', `/campaigns/${'a'.repeat(32)}`);
    expect(within(rolling).getByText('in progress')).toHaveClass('status', 'status-in_progress');
    expect(rolling).toHaveTextContent('Frame 2.1.0');
    const rollingBar = within(rolling).getByRole('progressbar', { name: 'Progress of Lab to 2.1.0' });
    expect(rollingBar).toHaveAttribute('aria-valuenow', '25');
    expect(rollingBar).toHaveTextContent('25%');
    expect(rollingBar.querySelector('.progress-fill')).toHaveStyle({ width: '25%' });
    expect(rolling).toHaveTextContent('10 of 40 (2 failed)');

    expect(within(paused).getByRole('link', { name: 'Night shift' })).toHaveAttribute('href', `/campaigns/${'b'.repeat(32)}`);
    expect(within(paused).getByRole('progressbar', { name: 'Progress of Night shift' })).toHaveAttribute('aria-valuenow', '37.5');
    expect(paused).toHaveTextContent('3 of 8 (0 failed)');

    expect(within(scheduled).getByRole('progressbar', { name: 'Progress of Weekend' })).toHaveAttribute('aria-valuenow', '0');
    expect(scheduled).toHaveTextContent('not started (20 targeted)');

    const asked = calls.filter((call) => call.path === '/api/v1/campaigns').map((call) => call.init.params?.query);
    expect(asked).toEqual(['in_progress', 'rolling_back', 'paused', 'scheduled', 'pending_approval'].map((status) => ({ status, limit: 50 })));
  });

  it('shows no progress bar when no campaign is active', async () => {
    const { client } = service([FINISHED]);
    renderPage(<DashboardPage />, sessionWith(client));

    const section = screen.getByRole('region', { name: 'Active campaigns' });
    expect(await within(section).findByText(/No campaign is rolling out or waiting to\./)).toBeInTheDocument();
    expect(within(section).getByRole('link', { name: 'All campaigns' })).toHaveAttribute('href', '/campaigns');
    expect(screen.queryByRole('table', { name: 'Active campaigns' })).not.toBeInTheDocument();
    expect(screen.queryAllByRole('progressbar')).toEqual([]);
    expect(screen.queryByText('Done already')).not.toBeInTheDocument();
  });

  it("shows the API's detail when the campaigns cannot be read", async () => {
    const { client } = routedClient({
      'GET /api/v1/stats': () => ({ status: 200, body: STATS }),
      'GET /api/v1/devices': () => page([], 'devices'),
      'GET /api/v1/firmware': () => page([], 'firmware'),
      'GET /api/v1/campaigns': () => ({ status: 403, body: { detail: 'API key lacks the campaigns:read scope', code: 'auth/forbidden' } }),
    });
    renderPage(<DashboardPage />, sessionWith(client));

    const section = screen.getByRole('region', { name: 'Active campaigns' });
    expect(await within(section).findByRole('alert')).toHaveTextContent('Could not load the campaigns: API key lacks the campaigns:read scope');
    expect(within(section).queryByRole('progressbar')).not.toBeInTheDocument();
  });
});
