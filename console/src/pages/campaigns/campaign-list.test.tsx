import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { CampaignListPage } from './campaign-list';
import { answer, fakeClient, renderPage, sessionWith } from './test-support';

const FIRMWARE = 'c7f4756d26c469010c107119fd675c1c';

function campaign(id: string, name: string, changes: Record<string, unknown>) {
  return {
    campaign_id: id,
    name,
    status: 'created',
    priority: 'normal',
    deployment_strategy: 'staged',
    firmware_id: FIRMWARE,
    firmware: { firmware_id: FIRMWARE, name: 'Sim Firmware', version: '2.0.0', device_model: 'SIM-1' },
    total_devices: null,
    target_device_count: 20,
    completed_devices: 0,
    failed_devices: 0,
    cancelled_devices: 0,
    created_at: '2026-12-01T10:00:00.000Z',
    ...changes,
  };
}

const CAMPAIGNS = [
  campaign('a'.repeat(32), 'Spring', { status: 'completed', total_devices: 20, completed_devices: 18, failed_devices: 2 }),
  campaign('b'.repeat(32), 'Summer', { status: 'paused', total_devices: 8, completed_devices: 2 }),
  campaign('c'.repeat(32), 'Autumn', {}),
];

function service() {
  return fakeClient((path, options) => {
    if (path === '/api/v1/firmware') return answer(200, { firmware: [{ firmware_id: FIRMWARE, name: 'Sim Firmware', version: '2.0.0', device_model: 'SIM-1' }] });
    if (path === '/api/v1/campaigns') {
      const query = options.params?.query ?? {};
      const shown = query.status === undefined ? CAMPAIGNS : CAMPAIGNS.filter((item) => item.status === query.status);
      return answer(200, { campaigns: shown, limit: query.limit, offset: query.offset, count: shown.length, total: shown.length, filters: {} });
    }
    return answer(404, { detail: 'unknown', code: 'test/not_found' });
  });
}

describe('CampaignListPage', () => {

  it('lists the campaigns with their status, firmware and progress', async () => {
    renderPage(<CampaignListPage />, sessionWith(service()), '/campaigns');
    expect(screen.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Campaigns' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(within(rows[0]).getByRole('link', { name: 'Spring' })).toHaveAttribute('href', `/campaigns/${'a'.repeat(32)}`);
    expect(within(rows[0]).getByText('completed')).toHaveClass('status', 'status-completed');
    expect(within(rows[0]).getByRole('link', { name: 'Sim Firmware 2.0.0' })).toHaveAttribute('href', `/firmware/${FIRMWARE}`);
    expect(screen.getByRole('progressbar', { name: 'Progress of Spring' })).toHaveAttribute('aria-valuenow', '100');
    expect(screen.getByRole('progressbar', { name: 'Progress of Summer' })).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByRole('progressbar', { name: 'Progress of Autumn' })).toHaveAttribute('aria-valuenow', '0');
    expect(within(rows[2]).getByText('20 planned')).toBeInTheDocument();
    expect(screen.getByText('1–3 of 3')).toBeInTheDocument();
  });

  it('filters through the API and keeps the filter in the address', async () => {
    const user = userEvent.setup();
    const client = service();
    renderPage(<CampaignListPage />, sessionWith(client), '/campaigns');
    await screen.findByRole('table', { name: 'Campaigns' });
    await user.selectOptions(screen.getByLabelText('Status'), 'paused');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Campaigns' })).getAllByRole('row')).toHaveLength(2));
    const lastList = client.calls.mock.calls.filter(([path]) => path === '/api/v1/campaigns').at(-1);
    expect(lastList?.[1]?.params?.query).toEqual({ limit: 25, offset: 0, status: 'paused' });
    expect(screen.getByLabelText('Status')).toHaveValue('paused');
  });

  it('reads the filters of a link', async () => {
    const client = service();
    renderPage(<CampaignListPage />, sessionWith(client), `/campaigns?status=completed&firmware_id=${FIRMWARE}`);
    await screen.findByRole('table', { name: 'Campaigns' });
    const firstList = client.calls.mock.calls.find(([path]) => path === '/api/v1/campaigns');
    expect(firstList?.[1]?.params?.query).toMatchObject({ status: 'completed', firmware_id: FIRMWARE });
  });

  it('offers "New campaign" only to a role that can create one', async () => {
    const { unmount } = renderPage(<CampaignListPage />, sessionWith(service()), '/campaigns');
    expect(screen.getByRole('link', { name: 'New campaign' })).toHaveAttribute('href', '/campaigns/new');
    await screen.findByRole('table', { name: 'Campaigns' });
    unmount();
    renderPage(<CampaignListPage />, sessionWith(service(), false), '/campaigns');
    await screen.findByRole('table', { name: 'Campaigns' });
    expect(screen.queryByRole('link', { name: 'New campaign' })).toBeNull();
  });
});
