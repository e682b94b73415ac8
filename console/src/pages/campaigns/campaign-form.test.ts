import { describe, expect, it } from 'vitest';
import {
  type CampaignForm,
  createBodyOf,
  emptyCampaignForm,
  localDateTimeToIso,
  NUMBER_FIELDS,
  parseNumber,
  parseStages,
  previewRequestsOf,
  splitList,
  targetFiltersOf,
  toggleListItem,
} from './campaign-form';

const FIRMWARE = 'c7f4756d26c469010c107119fd675c1c';

function formWith(changes: Partial<CampaignForm>): CampaignForm {
  return { ...emptyCampaignForm(), ...changes };
}

describe('parseStages', () => {
  it('reads cumulative percentages written with commas, spaces or %', () => {
    expect(parseStages('10, 50, 100')).toEqual({ value: [10, 50, 100] });
    expect(parseStages(' 5 25;100% ')).toEqual({ value: [5, 25, 100] });
    expect(parseStages('100')).toEqual({ value: [100] });
  });

  it('is nothing when blank, so the service default applies', () => {
    expect(parseStages('  ')).toEqual({});
  });

  it('names the bad entry', () => {
    expect(parseStages('10, abc, 100').problem).toBe('Stages: “abc” is not a whole percentage (write them like 10, 50, 100)');
    expect(parseStages('10, 12.5, 100').problem).toMatch('“12.5” is not a whole percentage');
    expect(parseStages('0, 100').problem).toBe('Stages: 0 is not between 1 and 100');
    expect(parseStages('10, 150').problem).toBe('Stages: 150 is not between 1 and 100');
  });

  it('wants strictly increasing stages ending at 100', () => {
    expect(parseStages('50, 10, 100').problem).toBe('Stages must increase: 10 comes after 50');
    expect(parseStages('10, 10, 100').problem).toBe('Stages must increase: 10 comes after 10');
    expect(parseStages('10, 50').problem).toBe('Stages must end at 100 (every device is reached in the last stage)');
  });

  it('allows at most 20 stages', () => {
    const many = Array.from({ length: 21 }, (_, index) => index * 4 + 20).join(',');
    expect(parseStages(many).problem).toBe('Stages: at most 20');
  });
});

describe('splitList', () => {
  it('splits on commas and lines, trims, drops blanks and repeats', () => {
    expect(splitList('a, b\n c,,\n\na')).toEqual(['a', 'b', 'c']);
  });

  it('splits only on the separator given', () => {
    expect(splitList('webhook:https://x.test/?a=1,2\nemail:ops@x.test', /\n/)).toEqual(['webhook:https://x.test/?a=1,2', 'email:ops@x.test']);
  });
});

describe('parseNumber', () => {
  const spec = NUMBER_FIELDS.batch_size;
  it('reads a number within the bounds', () => {
    expect(parseNumber(' 25 ', spec)).toEqual({ value: 25 });
    expect(parseNumber('', spec)).toEqual({});
  });
  it('says why not', () => {
    expect(parseNumber('ten', spec).problem).toBe('Batch size: “ten” is not a number');
    expect(parseNumber('1e3', spec).problem).toBe('Batch size: “1e3” is not a number');
    expect(parseNumber('2.5', spec).problem).toBe('Batch size must be a whole number');
    expect(parseNumber('0', spec).problem).toBe('Batch size must be between 1 and 10000');
  });
  it('takes decimals where the field does', () => {
    expect(parseNumber('12.5', NUMBER_FIELDS.failure_threshold_percent)).toEqual({ value: 12.5 });
  });
});

describe('localDateTimeToIso', () => {
  it('reads the wall time in the browser’s zone and sends UTC', () => {
    expect(localDateTimeToIso('2026-12-08T02:30', 'Start')).toEqual({ value: new Date(2026, 11, 8, 2, 30).toISOString() });
  });
  it('is nothing when blank and a problem when unreadable', () => {
    expect(localDateTimeToIso('', 'Start')).toEqual({});
    expect(localDateTimeToIso('tomorrow', 'Start').problem).toBe('Start: “tomorrow” is not a date and time');
  });
});

describe('targetFiltersOf', () => {
  it('keeps the keys given, splits tags and types attribute values', () => {
    const draft = { ...emptyCampaignForm().target_filters, device_model: ' SIM-1 ', firmware_version: '<2.0.0', tags: 'beta, lab', attributes: 'region=eu\nfloor=3\nindoor=true\nzip="01234"' };
    expect(targetFiltersOf(draft)).toEqual({
      filters: {
        device_model: 'SIM-1',
        firmware_version: '<2.0.0',
        tags: ['beta', 'lab'],
        'attributes.region': 'eu',
        'attributes.floor': 3,
        'attributes.indoor': true,
        'attributes.zip': '01234',
      },
      problems: [],
    });
  });
  it('points at an attribute line without a name', () => {
    const draft = { ...emptyCampaignForm().target_filters, attributes: 'eu' };
    expect(targetFiltersOf(draft).problems).toEqual([{ field: 'target_filters.attributes', message: 'Attributes: write “name=value”, not “eu”' }]);
  });
});

describe('createBodyOf', () => {
  it('sends the required fields, the choices and nothing for blank optional fields', () => {
    const { body, problems } = createBodyOf(formWith({ name: ' Spring ', firmware_id: FIRMWARE, target_groups: 'console-demo' }));
    expect(problems).toEqual([]);
    expect(body).toEqual({
      name: 'Spring',
      firmware_id: FIRMWARE,
      deployment_strategy: 'staged',
      priority: 'normal',
      target_groups: ['console-demo'],
      continuous: false,
      auto_rollback: true,
      rollback_triggers: ['failure_rate', 'timeout'],
      requires_approval: false,
      requires_device_confirmation: false,
      notify_on_start: true,
      notify_on_complete: true,
      notify_on_failure: true,
    });
  });

  it('sends every field the operator filled in', () => {
    const form = formWith({
      name: 'Autumn',
      description: 'Fixes the clock',
      firmware_id: FIRMWARE,
      deployment_strategy: 'canary',
      priority: 'high',
      target_groups: 'a\nb',
      target_devices: 'dev-1, dev-2',
      target_filters: { ...emptyCampaignForm().target_filters, manufacturer: 'Acme' },
      rollout_percentage: '50',
      stages: '10, 100',
      stage_soak_minutes: '15',
      canary_percentage: '2.5',
      canary_duration_minutes: '30',
      max_concurrent_updates: '100',
      batch_size: '20',
      timeout_minutes: '90',
      max_retries: '2',
      failure_threshold_percent: '12.5',
      min_failure_sample: '5',
      health_check_window_minutes: '10',
      ramp: true,
      rollout_rate: { base_per_minute: '5', increment_factor: '2', increase_after_succeeded: '10', max_per_minute: '50' },
      continuous: true,
      auto_rollback: false,
      rollback_triggers: ['failure_rate'],
      requires_approval: true,
      requires_device_confirmation: true,
      scheduled_start: '2026-12-08T02:00',
      scheduled_end: '2026-12-09T02:00',
      maintenance_windows: [{ cron: '0 2 * * *', duration_minutes: '120', time_zone: 'device' }, { cron: '', duration_minutes: '', time_zone: 'UTC' }],
      default_time_zone: 'Europe/Berlin',
      notify_on_start: false,
      notification_channels: 'webhook:https://hooks.test/a?x=1,2\n\nemail:ops@example.com',
    });
    const { body, problems } = createBodyOf(form);
    expect(problems).toEqual([]);
    expect(body).toEqual({
      name: 'Autumn',
      description: 'Fixes the clock',
      firmware_id: FIRMWARE,
      deployment_strategy: 'canary',
      priority: 'high',
      target_groups: ['a', 'b'],
      target_devices: ['dev-1', 'dev-2'],
      target_filters: { manufacturer: 'Acme' },
      rollout_percentage: 50,
      stages: [10, 100],
      stage_soak_minutes: 15,
      canary_percentage: 2.5,
      canary_duration_minutes: 30,
      max_concurrent_updates: 100,
      batch_size: 20,
      timeout_minutes: 90,
      max_retries: 2,
      failure_threshold_percent: 12.5,
      min_failure_sample: 5,
      health_check_window_minutes: 10,
      rollout_rate: { base_per_minute: 5, increment_factor: 2, increase_after_succeeded: 10, max_per_minute: 50 },
      continuous: true,
      auto_rollback: false,
      rollback_triggers: ['failure_rate'],
      requires_approval: true,
      requires_device_confirmation: true,
      scheduled_start: new Date(2026, 11, 8, 2, 0).toISOString(),
      scheduled_end: new Date(2026, 11, 9, 2, 0).toISOString(),
      maintenance_windows: [{ cron: '0 2 * * *', duration_minutes: 120, time_zone: 'device' }],
      default_time_zone: 'Europe/Berlin',
      notify_on_start: false,
      notify_on_complete: true,
      notify_on_failure: true,
      notification_channels: ['webhook:https://hooks.test/a?x=1,2', 'email:ops@example.com'],
    });
  });

  it('marks what is missing as missing and what is wrong as wrong', () => {
    const { problems } = createBodyOf(formWith({ stages: '10, 5', failure_threshold_percent: '0' }));
    expect(problems).toEqual([
      { field: 'name', message: 'Name: give the campaign a name', missing: true },
      { field: 'firmware_id', message: 'Firmware: choose the firmware to roll out', missing: true },
      { field: 'target_groups', message: 'Targets: give a group, a device or a filter', missing: true },
      { field: 'failure_threshold_percent', message: 'Failure threshold (%) must be between 1 and 100' },
      { field: 'stages', message: 'Stages must increase: 5 comes after 10' },
    ]);
  });

  it('checks the ramp, the windows and the schedule', () => {
    const { body, problems } = createBodyOf(
      formWith({
        name: 'x',
        firmware_id: FIRMWARE,
        target_devices: 'd',
        deployment_strategy: 'scheduled',
        ramp: true,
        rollout_rate: { base_per_minute: '10', increment_factor: '2', increase_after_succeeded: '', max_per_minute: '5' },
        maintenance_windows: [{ cron: '0 2 * *', duration_minutes: '60', time_zone: '' }],
      }),
    );
    expect(problems).toEqual([
      { field: 'rollout_rate.increase_after_succeeded', message: 'Increase after succeeded: needed for the ramp', missing: true },
      { field: 'scheduled_start', message: 'Scheduled start: a scheduled campaign needs one', missing: true },
      { field: 'maintenance_windows.0.cron', message: 'Window 1: the cron needs five fields (minute hour day month weekday), e.g. 0 2 * * *' },
      { field: 'maintenance_windows.0.time_zone', message: 'Window 1: give its time zone (or “device”)', missing: true },
    ]);
    expect(body.rollout_rate).toBeUndefined();
    expect(body.maintenance_windows).toBeUndefined();
  });

  it('wants the ramp’s maximum at least its base and the end after the start', () => {
    const { problems } = createBodyOf(
      formWith({
        name: 'x',
        firmware_id: FIRMWARE,
        target_devices: 'd',
        ramp: true,
        rollout_rate: { base_per_minute: '10', increment_factor: '2', increase_after_succeeded: '3', max_per_minute: '5' },
        scheduled_start: '2026-12-08T02:00',
        scheduled_end: '2026-12-08T01:00',
      }),
    );
    expect(problems.map((problem) => problem.message)).toEqual(['Max releases a minute must be at least the base', 'Scheduled end must be after the start']);
  });
});

describe('previewRequestsOf', () => {
  it('says what is missing and asks for nothing without targets', () => {
    expect(previewRequestsOf(emptyCampaignForm())).toEqual({ missing: ['a firmware', 'a target (a group, a device or a filter)'], problems: [] });
  });

  it('previews targets without a firmware, but plans only with one', () => {
    const requests = previewRequestsOf(formWith({ target_groups: 'console-demo', rollout_percentage: '50' }));
    expect(requests.missing).toEqual(['a firmware']);
    expect(requests.preview).toEqual({ target_groups: ['console-demo'], rollout_percentage: 50 });
    expect(requests.plan).toBeUndefined();
  });

  it('plans the create body, with a stand-in name while none is typed', () => {
    const requests = previewRequestsOf(formWith({ firmware_id: FIRMWARE, target_groups: 'console-demo', stages: '20, 100' }));
    expect(requests.missing).toEqual([]);
    expect(requests.preview).toEqual({ target_groups: ['console-demo'], firmware_id: FIRMWARE });
    expect(requests.plan).toEqual({ ...createBodyOf(formWith({ name: 'Dry run', firmware_id: FIRMWARE, target_groups: 'console-demo', stages: '20, 100' })).body });
    expect(previewRequestsOf(formWith({ name: 'Spring', firmware_id: FIRMWARE, target_groups: 'g' })).plan?.name).toBe('Spring');
  });

  it('holds the plan back while a field cannot be read, and says why', () => {
    const requests = previewRequestsOf(formWith({ firmware_id: FIRMWARE, target_groups: 'g', stages: '10, x' }));
    expect(requests.preview).toBeDefined();
    expect(requests.plan).toBeUndefined();
    expect(requests.problems.map((problem) => problem.field)).toEqual(['stages']);
  });

  it('holds the preview back while the rollout percentage cannot be read', () => {
    const requests = previewRequestsOf(formWith({ target_groups: 'g', rollout_percentage: '0' }));
    expect(requests.preview).toBeUndefined();
    expect(requests.problems).toEqual([{ field: 'rollout_percentage', message: 'Rollout percentage must be between 1 and 100' }]);
  });
});

describe('toggleListItem', () => {
  it('adds a missing item and removes a present one', () => {
    expect(toggleListItem('', 'a')).toBe('a');
    expect(toggleListItem('a,\nb', 'c')).toBe('a, b, c');
    expect(toggleListItem('a, b, c', 'b')).toBe('a, c');
  });
});
