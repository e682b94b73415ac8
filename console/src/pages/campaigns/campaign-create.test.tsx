import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { CampaignCreatePage } from './campaign-create';
import { answer, fakeClient, renderPage, sessionWith } from './test-support';

// The preview waits 400 ms for the typing to pause; leave room on a busy machine.
configure({ asyncUtilTimeout: 4_000 });

const FIRMWARE = 'c7f4756d26c469010c107119fd675c1c';
const CAMPAIGN = 'aaaabbbbccccddddeeeeffff00001111';

const PLAN = {
  matched: 20,
  target_device_count: 18,
  stages: [
    { stage: 0, percentage: 10, devices: 2 },
    { stage: 1, percentage: 50, devices: 7 },
    { stage: 2, percentage: 100, devices: 9 },
  ],
  excluded: { incompatible: 1, already_on_version: 1, busy: 0, outside_sample: 0 },
  next_window_openings: [],
  estimated_duration_seconds: 3_900,
  median_update_seconds: 120,
};

/** The service as the form sees it; `create` answers `POST /campaigns`, `preview` the target preview. */
function service({ create = answer(201, { campaign_id: CAMPAIGN }), preview }: { create?: ReturnType<typeof answer>; preview?: ReturnType<typeof answer> } = {}) {
  return fakeClient((path, options) => {
    switch (path) {
      case '/api/v1/firmware':
        return answer(200, { firmware: [{ firmware_id: FIRMWARE, name: 'Sim Firmware', version: '2.0.0', device_model: 'SIM-1' }], total: 1 });
      case '/api/v1/device-groups':
        return answer(200, { groups: [{ name: 'console-demo', device_count: 20 }], total: 1 });
      case '/api/v1/targets/preview': {
        const body = options.body as { target_groups?: string[] };
        return preview ?? answer(200, { matched: 20, compatible: 19, already_on_target_version: 1, selected: body.target_groups?.length === 2 ? 25 : 18, sample: ['cdemo-00001'] });
      }
      case '/api/v1/campaigns/plan':
        return answer(200, PLAN);
      case '/api/v1/campaigns':
        return create;
      default:
        return answer(404, { detail: `no ${path}`, code: 'test/not_found' });
    }
  });
}

function callsTo(client: ReturnType<typeof fakeClient>, path: string) {
  return client.calls.mock.calls.filter(([called]) => called === path).map(([, options]) => options?.body);
}

async function fillBasics(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Name'), 'Spring rollout');
  await user.selectOptions(screen.getByLabelText('Firmware'), 'Sim Firmware 2.0.0 (SIM-1)');
  await user.type(screen.getByLabelText('Target groups'), 'console-demo');
}

// Typing into a large form is slow in jsdom, and the machine is shared: generous timeouts.
describe('CampaignCreatePage', { timeout: 30_000 }, () => {

  it('previews the targets and the plan as the operator types', async () => {
    const user = userEvent.setup();
    const client = service();
    renderPage(<CampaignCreatePage />, sessionWith(client), '/campaigns/new');

    const preview = screen.getByRole('region', { name: 'Preview' });
    expect(within(preview).getByTestId('preview-missing')).toHaveTextContent('give a firmware and a target');
    await screen.findByRole('option', { name: 'Sim Firmware 2.0.0 (SIM-1)' });
    await fillBasics(user);

    await waitFor(() => expect(within(preview).getByTestId('target-count')).toHaveTextContent(/^18$/));
    // Asked once the typing paused, not for every keystroke.
    expect(callsTo(client, '/api/v1/targets/preview')).toEqual([{ target_groups: ['console-demo'], firmware_id: FIRMWARE }]);
    const table = await within(preview).findByRole('table', { name: 'Stage plan' });
    expect(within(table).getAllByRole('row').slice(1).map((row) => row.textContent)).toEqual(['110%2', '250%7', '3100%9']);
    expect(within(preview).getByTestId('plan-estimate')).toHaveTextContent('1 h 5 min');
    expect(callsTo(client, '/api/v1/campaigns/plan').at(-1)).toMatchObject({ name: 'Spring rollout', firmware_id: FIRMWARE, target_groups: ['console-demo'] });

    // Ticking another group of the fleet changes the targets, and the preview follows.
    await user.clear(screen.getByLabelText('Target groups'));
    await user.type(screen.getByLabelText('Target groups'), 'lab');
    await user.click(screen.getByRole('checkbox', { name: 'console-demo (20 devices)' }));
    expect(screen.getByLabelText('Target groups')).toHaveValue('lab, console-demo');
    await waitFor(() => expect(within(preview).getByTestId('target-count')).toHaveTextContent(/^25$/));
    expect(callsTo(client, '/api/v1/targets/preview').at(-1)).toEqual({ target_groups: ['lab', 'console-demo'], firmware_id: FIRMWARE });
  });

  it('shows a refusal of the preview in the preview, in the API’s words', async () => {
    const user = userEvent.setup();
    const client = service({ preview: answer(422, { detail: 'target_filters.bogus is not a filter', code: 'target/invalid_filter' }) });
    renderPage(<CampaignCreatePage />, sessionWith(client), '/campaigns/new');
    await user.type(screen.getByLabelText('Target groups'), 'console-demo');
    const preview = screen.getByRole('region', { name: 'Preview' });
    await waitFor(() => expect(within(preview).getByTestId('preview-error')).toHaveTextContent('target_filters.bogus is not a filter'));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('aborts a preview call that a newer one overtakes', async () => {
    const user = userEvent.setup();
    const signals: AbortSignal[] = [];
    const client = fakeClient((path, options) => {
      if (path !== '/api/v1/targets/preview') return answer(200, { firmware: [], groups: [] });
      signals.push(options.signal!);
      // The first answer never comes: only the abort ends it.
      return signals.length === 1 ? new Promise(() => undefined) : answer(200, { matched: 3, compatible: 3, already_on_target_version: 0, selected: 3, sample: [] });
    });
    renderPage(<CampaignCreatePage />, sessionWith(client), '/campaigns/new');
    await user.type(screen.getByLabelText('Target groups'), 'a');
    await waitFor(() => expect(signals).toHaveLength(1));
    await user.type(screen.getByLabelText('Target groups'), 'b');
    await waitFor(() => expect(screen.getByTestId('target-count')).toHaveTextContent(/^3$/));
    expect(signals).toHaveLength(2);
    expect(signals[0].aborted).toBe(true);
  });

  it('says what a bad stage list is, and holds the plan back', async () => {
    const user = userEvent.setup();
    const client = service();
    renderPage(<CampaignCreatePage />, sessionWith(client), '/campaigns/new');
    await screen.findByRole('option', { name: 'Sim Firmware 2.0.0 (SIM-1)' });
    await fillBasics(user);
    await user.type(screen.getByLabelText('Stages'), '50, 10, 100');
    expect(screen.getByLabelText('Stages')).toHaveAccessibleDescription(/Stages must increase: 10 comes after 50/);
    expect(screen.getByLabelText('Stages')).toBeInvalid();
    const preview = screen.getByRole('region', { name: 'Preview' });
    await waitFor(() => expect(within(preview).getByText('Stages must increase: 10 comes after 50')).toBeInTheDocument());
    expect(callsTo(client, '/api/v1/campaigns/plan')).toEqual([]);
  });

  it('creates the campaign from what was typed and opens it', async () => {
    const user = userEvent.setup();
    const client = service();
    const { history } = renderPage(<CampaignCreatePage />, sessionWith(client), '/campaigns/new');
    await screen.findByRole('option', { name: 'Sim Firmware 2.0.0 (SIM-1)' });
    await fillBasics(user);
    await user.selectOptions(screen.getByLabelText('Deployment strategy'), 'canary');
    await user.click(screen.getByLabelText('Target devices'));
    await user.paste('dev-1\ndev-2');
    await user.type(screen.getByLabelText('Stages'), '10, 100');
    await user.type(screen.getByLabelText('Failure threshold (%)'), '15');
    await user.click(screen.getByRole('button', { name: 'Add a maintenance window' }));
    expect(screen.getByLabelText('Cron')).toHaveFocus();
    await user.paste('0 2 * * *');
    await user.type(screen.getByLabelText('Duration (minutes)'), '90');
    await user.click(screen.getByRole('checkbox', { name: 'Requires approval' }));

    await user.click(screen.getByRole('button', { name: 'Create campaign' }));

    await waitFor(() => expect(history.at(-1)).toBe(`/campaigns/${CAMPAIGN}`));
    expect(callsTo(client, '/api/v1/campaigns')).toEqual([
      {
        name: 'Spring rollout',
        firmware_id: FIRMWARE,
        deployment_strategy: 'canary',
        priority: 'normal',
        target_groups: ['console-demo'],
        target_devices: ['dev-1', 'dev-2'],
        stages: [10, 100],
        failure_threshold_percent: 15,
        maintenance_windows: [{ cron: '0 2 * * *', duration_minutes: 90, time_zone: 'UTC' }],
        continuous: false,
        auto_rollback: true,
        rollback_triggers: ['failure_rate', 'timeout'],
        requires_approval: true,
        requires_device_confirmation: false,
        notify_on_start: true,
        notify_on_complete: true,
        notify_on_failure: true,
      },
    ]);
  });

  it('keeps everything typed and shows the API’s reasons when the create is refused', async () => {
    const user = userEvent.setup();
    const refusal = answer(422, {
      detail: 'body.stages: stages must be strictly increasing percentages ending at 100, e.g. [10, 50, 100]',
      code: 'request/validation_failed',
      errors: [
        { loc: ['body', 'stages'], msg: 'stages must be strictly increasing' },
        { loc: ['body', 'name'], msg: 'name is taken' },
      ],
    });
    const client = service({ create: refusal });
    const { history } = renderPage(<CampaignCreatePage />, sessionWith(client), '/campaigns/new');
    await screen.findByRole('option', { name: 'Sim Firmware 2.0.0 (SIM-1)' });
    await fillBasics(user);
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The campaign was not created');
    expect(alert).toHaveTextContent('stages must be strictly increasing percentages');
    expect(within(alert).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['body.stages: stages must be strictly increasing', 'body.name: name is taken']);
    expect(screen.getByLabelText('Name')).toHaveValue('Spring rollout');
    expect(screen.getByRole('button', { name: 'Create campaign' })).toBeEnabled();
    expect(history.at(-1)).toBe('/campaigns/new');
  });

  it('lists what is missing on submit, sends nothing, and links each to its field', async () => {
    const user = userEvent.setup();
    const client = service();
    renderPage(<CampaignCreatePage />, sessionWith(client), '/campaigns/new');
    await user.type(screen.getByLabelText('Name'), 'x{Enter}');

    const problems = await screen.findByTestId('form-problems');
    expect(problems).toHaveFocus();
    expect(within(problems).getAllByRole('link').map((link) => link.textContent)).toEqual([
      'Firmware: choose the firmware to roll out',
      'Targets: give a group, a device or a filter',
    ]);
    await user.click(within(problems).getByRole('link', { name: 'Firmware: choose the firmware to roll out' }));
    expect(screen.getByLabelText('Firmware')).toHaveFocus();
    expect(callsTo(client, '/api/v1/campaigns')).toEqual([]);
  });

  it('starts with the firmware and group of the link that led here', async () => {
    const client = service();
    renderPage(<CampaignCreatePage />, sessionWith(client), `/campaigns/new?firmware_id=${FIRMWARE}&group=console-demo`);
    await screen.findByRole('option', { name: 'Sim Firmware 2.0.0 (SIM-1)' });
    expect(screen.getByLabelText('Firmware')).toHaveValue(FIRMWARE);
    expect(screen.getByLabelText('Target groups')).toHaveValue('console-demo');
  });

  it('shows a viewer no form', () => {
    const client = service();
    renderPage(<CampaignCreatePage />, sessionWith(client, false), '/campaigns/new');
    expect(screen.getByRole('heading', { level: 1, name: 'New campaign' })).toBeInTheDocument();
    expect(screen.getByText(/cannot create campaigns/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Create campaign' })).toBeNull();
    expect(client.calls).not.toHaveBeenCalled();
  });
});
