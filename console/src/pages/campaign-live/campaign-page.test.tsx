import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { OtaClient } from '../../../../clients/typescript';
import type { CampaignEventsOptions } from '../../api/campaign-events';
import type { Session } from '../../api/session';
import { SessionContext } from '../../api/session-context';
import { CampaignPage } from './campaign-page';
import { campaignWith, statsWith, transitionWith } from './test-fixtures';

// The stream is driven by the test: each page's options are kept so it can send messages.
const streams: CampaignEventsOptions[] = [];
vi.mock('../../api/campaign-events', () => ({
  followCampaignEvents: (options: CampaignEventsOptions) => {
    streams.push(options);
    return new Promise<void>(() => undefined);
  },
}));

vi.mock('uplot', () => import('../../fake-uplot'));

interface Reply {
  status: number;
  body: unknown;
}

function fakeClient(routes: Record<string, () => Reply>) {
  const calls: { method: string; path: string; init: unknown }[] = [];
  const answer = (method: string) => async (path: string, init: unknown) => {
    calls.push({ method, path, init });
    const reply = routes[`${method} ${path}`]?.() ?? { status: 404, body: { detail: `No fake for ${method} ${path}`, code: 'test/no_route' } };
    const ok = reply.status < 400;
    return { data: ok ? reply.body : undefined, error: ok ? undefined : reply.body, response: { ok, status: reply.status } as Response };
  };
  return { client: { GET: answer('GET'), POST: answer('POST') } as unknown as OtaClient, calls };
}

function renderPage(client: OtaClient, canWrite = true) {
  const session: Session = {
    credentials: { bearer: 'token' },
    principal: { kind: 'user', id: 'me', roles: [canWrite ? 'operator' : 'viewer'], organization_id: null, email: null, expires_at: null },
    client,
    canWrite,
    authorization: { authorization: 'Bearer token' },
  };
  return render(
    <SessionContext.Provider value={{ session, signOut: () => undefined }}>
      <CampaignPage campaignId="c1" />
    </SessionContext.Provider>,
  );
}

const emptyDevices = { devices: [], limit: 50, offset: 0, count: 0, total: 0, filters: {} };

beforeEach(() => {
  streams.length = 0;
});
// Vitest runs without globals here, so Testing Library cannot unmount between tests by itself.

describe('CampaignPage', () => {
  it('shows a counts message in the progress bar and stats, and a transition in the timeline', async () => {
    const { client } = fakeClient({
      'GET /api/v1/campaigns/{campaign_id}': () => ({ status: 200, body: campaignWith({}) }),
      'GET /api/v1/campaigns/{campaign_id}/devices': () => ({ status: 200, body: emptyDevices }),
    });
    renderPage(client);

    expect(await screen.findByRole('heading', { level: 1, name: 'Lab to 2.0.0' })).toBeInTheDocument();
    expect(screen.getByTestId('campaign-status')).toHaveTextContent(/^in_progress$/);
    expect(screen.getByText('Connecting…')).toBeInTheDocument();
    await waitFor(() => expect(streams).toHaveLength(1));
    const stream = streams[0]!;
    expect(stream.campaignId).toBe('c1');

    act(() => {
      stream.onConnection?.(true);
      stream.onEvent({
        type: 'counts',
        stats: statsWith({
          progress_percentage: 40,
          counts: { completed: 3, failed: 1, in_progress: 2, created: 4 },
          failure_rate: 25,
          stages: [{ stage: 0, percentage: 20, planned: 2, released: 2, in_flight: 0, completed: 1, failed: 1, cancelled: 0, failure_rate: 50, opened_at: null, gate_opens_at: null }],
        }),
      });
      stream.onEvent({ type: 'transition', entry: transitionWith({ event: 'paused', from_status: 'in_progress', to_status: 'paused', reason: 'night shift' }) });
    });

    expect(screen.getByRole('progressbar', { name: 'Campaign progress' })).toHaveAttribute('aria-valuenow', '40');
    expect(screen.getByText('Live')).toBeInTheDocument();
    const timeline = screen.getByRole('list', { name: 'Timeline' });
    expect(within(timeline).getByText('Paused')).toBeInTheDocument();
    expect(within(timeline).getByText('night shift')).toBeInTheDocument();
    expect(timeline.querySelector('time')).toHaveAttribute('dateTime', '2026-03-01T10:00:00.000Z');

    const stageFigure = screen.getByRole('figure', { name: 'Failure rate per stage' });
    expect(within(stageFigure).getByRole('rowheader', { name: 'Stage 1' })).toBeInTheDocument();
    expect(within(stageFigure).getByText(/over threshold/)).toBeInTheDocument();
    expect(screen.getByRole('figure', { name: 'Device statuses over time' })).toHaveTextContent('completed 3, failed 1, cancelled or rolled back 0, in progress 2, pending 4 (of 10 devices)');
  });

  it('reads the campaign again after a transition, and shows its new status', async () => {
    let status: 'in_progress' | 'paused' = 'in_progress';
    const { client, calls } = fakeClient({
      'GET /api/v1/campaigns/{campaign_id}': () => ({ status: 200, body: campaignWith({ status }) }),
      'GET /api/v1/campaigns/{campaign_id}/devices': () => ({ status: 200, body: emptyDevices }),
    });
    renderPage(client);
    await screen.findByRole('heading', { level: 1 });
    await waitFor(() => expect(streams).toHaveLength(1));

    status = 'paused';
    act(() => streams[0]!.onEvent({ type: 'transition', entry: transitionWith({ event: 'paused', from_status: 'in_progress', to_status: 'paused' }) }));
    await waitFor(() => expect(screen.getByTestId('campaign-status')).toHaveTextContent(/^paused$/));
    expect(calls.filter((call) => call.path === '/api/v1/campaigns/{campaign_id}')).toHaveLength(2);
    expect(screen.getByRole('button', { name: 'Resume' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Pause' })).not.toBeInTheDocument();
  });

  it('offers the actions of the status to a writer, confirms them, and sends them', async () => {
    const user = userEvent.setup();
    const { client, calls } = fakeClient({
      'GET /api/v1/campaigns/{campaign_id}': () => ({ status: 200, body: campaignWith({}) }),
      'GET /api/v1/campaigns/{campaign_id}/devices': () => ({ status: 200, body: emptyDevices }),
      'POST /api/v1/campaigns/{campaign_id}/pause': () => ({ status: 200, body: campaignWith({ status: 'paused' }) }),
    });
    renderPage(client);
    await screen.findByRole('heading', { level: 1 });

    for (const name of ['Pause', 'Advance', 'Cancel', 'Roll back']) expect(screen.getByRole('button', { name })).toBeInTheDocument();
    for (const name of ['Start', 'Resume', 'Approve', 'Retry failed devices']) expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Pause' }));
    const dialog = screen.getByRole('dialog', { name: 'Pause?' });
    expect(dialog).toHaveTextContent('8 devices not released yet wait. The 2 devices updating now carry on');
    await user.type(within(dialog).getByLabelText('Reason (optional)'), 'night');
    await user.click(within(dialog).getByRole('button', { name: 'Yes, pause' }));

    await waitFor(() => expect(calls.some((call) => call.method === 'POST')).toBe(true));
    expect(calls.find((call) => call.method === 'POST')?.init).toEqual({ params: { path: { campaign_id: 'c1' } }, body: { reason: 'night' } });
    await waitFor(() => expect(calls.filter((call) => call.path === '/api/v1/campaigns/{campaign_id}')).toHaveLength(2));
  });

  it('shows an action refused by the API in its dialog', async () => {
    const user = userEvent.setup();
    const { client } = fakeClient({
      'GET /api/v1/campaigns/{campaign_id}': () => ({ status: 200, body: campaignWith({}) }),
      'GET /api/v1/campaigns/{campaign_id}/devices': () => ({ status: 200, body: emptyDevices }),
      'POST /api/v1/campaigns/{campaign_id}/advance': () => ({ status: 409, body: { detail: 'Campaign c1 cannot advance: its last stage is open', code: 'campaign/no_next_stage' } }),
    });
    renderPage(client);
    await user.click(await screen.findByRole('button', { name: 'Advance' }));
    const dialog = screen.getByRole('dialog', { name: 'Advance?' });
    expect(dialog).toHaveTextContent('Stage 2 opens now and its 4 devices start updating');
    await user.click(within(dialog).getByRole('button', { name: 'Yes, advance' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Campaign c1 cannot advance: its last stage is open');
  });

  it('renders no actions for a viewer', async () => {
    const { client } = fakeClient({
      'GET /api/v1/campaigns/{campaign_id}': () => ({ status: 200, body: campaignWith({}) }),
      'GET /api/v1/campaigns/{campaign_id}/devices': () => ({ status: 200, body: emptyDevices }),
    });
    renderPage(client, false);
    await screen.findByRole('heading', { level: 1 });
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('lists the failing devices with their error codes and the total', async () => {
    const failed = {
      devices: [{ device_id: 'sim-00007', update_id: 'u7', stage: 0, status: 'failed', phase: null, kind: 'update', from_version: '1.0.0', to_version: '2.0.0', error_code: 'install_failed', updated_at: '2026-03-01T10:05:00.000Z' }],
      limit: 50, offset: 0, count: 1, total: 1, filters: {},
    };
    const { client, calls } = fakeClient({
      'GET /api/v1/campaigns/{campaign_id}': () => ({ status: 200, body: campaignWith({}) }),
      'GET /api/v1/campaigns/{campaign_id}/devices': () => ({ status: 200, body: failed }),
    });
    renderPage(client);
    const table = await screen.findByRole('table', { name: 'Failing devices' });
    expect(await within(table).findByRole('link', { name: 'sim-00007' })).toHaveAttribute('href', '/devices/sim-00007');
    expect(within(table).getByText('install_failed')).toBeInTheDocument();
    expect(screen.getByText('1 failed device.')).toBeInTheDocument();
    expect(calls.find((call) => call.path === '/api/v1/campaigns/{campaign_id}/devices')?.init).toMatchObject({ params: { query: { status: 'failed' } } });
  });

  it('shows the API detail when the campaign does not exist, and a refused stream its reason', async () => {
    const { client } = fakeClient({
      'GET /api/v1/campaigns/{campaign_id}': () => ({ status: 404, body: { detail: 'Campaign c1 not found', code: 'campaign/not_found' } }),
    });
    renderPage(client);
    expect(await screen.findByRole('alert')).toHaveTextContent('Campaign c1 not found');

    const { client: found } = fakeClient({
      'GET /api/v1/campaigns/{campaign_id}': () => ({ status: 200, body: campaignWith({}) }),
      'GET /api/v1/campaigns/{campaign_id}/devices': () => ({ status: 200, body: emptyDevices }),
    });
    renderPage(found);
    await waitFor(() => expect(streams.length).toBeGreaterThanOrEqual(2));
    act(() => streams.at(-1)!.onFatal?.(403, { detail: 'Viewer may not read campaign events', code: 'auth/forbidden' }));
    expect(await screen.findByText('Viewer may not read campaign events')).toBeInTheDocument();
    expect(screen.getByText('Not live')).toBeInTheDocument();
  });
});
