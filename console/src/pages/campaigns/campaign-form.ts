import {
  type CreateCampaignBody,
  type DeploymentStrategy,
  type Priority,
  type RollbackTrigger,
  type TargetPreviewBody,
} from './campaign-vocabulary';

/**
 * The campaign form as typed (strings, as inputs hold them) and its translation into the bodies of
 * `POST /campaigns`, `/campaigns/plan` and `/targets/preview`. Empty optional fields are left out,
 * so the service applies its defaults (shown as placeholders); what cannot be read is reported
 * per field, in the words of the form's labels.
 */

/** Numeric fields: label, bounds (the DTO's) and the service's default (the placeholder). */
export const NUMBER_FIELDS = {
  rollout_percentage: { label: 'Rollout percentage', min: 1, max: 100, integer: false, fallback: 100 },
  stage_soak_minutes: { label: 'Stage soak (minutes)', min: 0, max: 10_080, integer: true, fallback: 0 },
  canary_percentage: { label: 'Canary percentage', min: 0.01, max: 50, integer: false, fallback: 5 },
  canary_duration_minutes: { label: 'Canary watch (minutes)', min: 0, max: 10_080, integer: true, fallback: 60 },
  max_concurrent_updates: { label: 'Max concurrent updates', min: 1, max: 1_000_000, integer: true, fallback: 10 },
  batch_size: { label: 'Batch size', min: 1, max: 10_000, integer: true, fallback: 50 },
  timeout_minutes: { label: 'Update timeout (minutes)', min: 5, max: 1440, integer: true, fallback: 60 },
  max_retries: { label: 'Max retries', min: 0, max: 10, integer: true, fallback: 0 },
  failure_threshold_percent: { label: 'Failure threshold (%)', min: 1, max: 100, integer: false, fallback: 20 },
  min_failure_sample: { label: 'Min failure sample', min: 1, max: 1_000_000, integer: true, fallback: 10 },
  health_check_window_minutes: { label: 'Health check window (minutes)', min: 0, max: 10_080, integer: true, fallback: 0 },
} as const;

export type NumberField = keyof typeof NUMBER_FIELDS;
export interface NumberSpec {
  label: string;
  min: number;
  max: number;
  integer: boolean;
}

export const RATE_FIELDS = {
  base_per_minute: { label: 'Base releases a minute', min: 1, max: 1_000_000, integer: true },
  increment_factor: { label: 'Increment factor', min: 1.1, max: 5, integer: false },
  increase_after_succeeded: { label: 'Increase after succeeded', min: 1, max: 1_000_000, integer: true },
  max_per_minute: { label: 'Max releases a minute', min: 1, max: 1_000_000, integer: true },
} as const satisfies Record<string, NumberSpec>;

export type RateField = keyof typeof RATE_FIELDS;

/** The filter keys the targeting supports as plain strings (`tags` and `attributes.*` are parsed). */
export const STRING_FILTERS = {
  device_type: 'Device type',
  device_model: 'Device model',
  manufacturer: 'Manufacturer',
  hardware_version: 'Hardware version',
  firmware_version: 'Current version (semver range)',
  group: 'Filter group',
} as const;

export type StringFilter = keyof typeof STRING_FILTERS;

export type FilterDraft = Record<StringFilter, string> & {
  /** Comma separated: the device has all of them. */
  tags: string;
  /** `name=value` lines; `true`/`false` and numbers are sent as such, `"quoted"` as text. */
  attributes: string;
};

export interface WindowDraft {
  cron: string;
  duration_minutes: string;
  time_zone: string;
}

export type CampaignForm = Record<NumberField, string> & {
  name: string;
  description: string;
  firmware_id: string;
  deployment_strategy: DeploymentStrategy;
  priority: Priority;
  /** Comma or line separated. */
  target_groups: string;
  target_devices: string;
  target_filters: FilterDraft;
  /** "10, 50, 100". */
  stages: string;
  /** Whether `rollout_rate` is sent at all. */
  ramp: boolean;
  rollout_rate: Record<RateField, string>;
  continuous: boolean;
  auto_rollback: boolean;
  rollback_triggers: RollbackTrigger[];
  requires_approval: boolean;
  requires_device_confirmation: boolean;
  /** `datetime-local` values, the operator's own zone. */
  scheduled_start: string;
  scheduled_end: string;
  maintenance_windows: WindowDraft[];
  default_time_zone: string;
  notify_on_start: boolean;
  notify_on_complete: boolean;
  notify_on_failure: boolean;
  /** One a line (a webhook URL may hold commas). */
  notification_channels: string;
};

/**
 * Something the form cannot send: `field` is the path of the input (`stages`,
 * `maintenance_windows.0.cron`, `rollout_rate.base_per_minute`), like the API's error `loc`.
 * `missing` marks required input not given yet, which the form only points out on submit.
 */
export interface Problem {
  field: string;
  message: string;
  missing?: boolean;
}

export function emptyCampaignForm(): CampaignForm {
  const numbers = Object.fromEntries(Object.keys(NUMBER_FIELDS).map((field) => [field, ''])) as Record<NumberField, string>;
  return {
    ...numbers,
    name: '',
    description: '',
    firmware_id: '',
    deployment_strategy: 'staged',
    priority: 'normal',
    target_groups: '',
    target_devices: '',
    target_filters: { device_type: '', device_model: '', manufacturer: '', hardware_version: '', firmware_version: '', group: '', tags: '', attributes: '' },
    stages: '',
    ramp: false,
    rollout_rate: { base_per_minute: '', increment_factor: '', increase_after_succeeded: '', max_per_minute: '' },
    continuous: false,
    // The service's defaults, shown ticked so what is sent is what the operator sees.
    auto_rollback: true,
    rollback_triggers: ['failure_rate', 'timeout'],
    requires_approval: false,
    requires_device_confirmation: false,
    scheduled_start: '',
    scheduled_end: '',
    maintenance_windows: [],
    default_time_zone: '',
    notify_on_start: true,
    notify_on_complete: true,
    notify_on_failure: true,
    notification_channels: '',
  };
}

export function emptyWindow(): WindowDraft {
  return { cron: '', duration_minutes: '', time_zone: 'UTC' };
}

/** Ids or names separated by commas or line breaks, trimmed, without blanks and repeats. */
export function splitList(text: string, separator: RegExp = /[,\n]/): string[] {
  return [...new Set(text.split(separator).map((item) => item.trim()).filter((item) => item !== ''))];
}

type Parsed<T> = { value?: T; problem?: string };

/** A number typed into `label`: nothing when blank, else a value within the bounds or why not. */
export function parseNumber(text: string, spec: NumberSpec): Parsed<number> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  const value = Number(trimmed);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(trimmed) || !Number.isFinite(value)) return { problem: `${spec.label}: “${trimmed}” is not a number` };
  if (spec.integer && !Number.isInteger(value)) return { problem: `${spec.label} must be a whole number` };
  if (value < spec.min || value > spec.max) return { problem: `${spec.label} must be between ${spec.min} and ${spec.max}` };
  return { value };
}

/**
 * "10, 50, 100" (commas, spaces or semicolons; a trailing % allowed) → [10, 50, 100]: the
 * cumulative percentages of a staged campaign, strictly increasing whole numbers ending at 100.
 */
export function parseStages(text: string): Parsed<number[]> {
  const items = text.split(/[\s,;]+/).filter((item) => item !== '');
  if (items.length === 0) return {};
  const stages: number[] = [];
  for (const item of items) {
    const digits = item.replace(/%$/, '');
    if (!/^\d+$/.test(digits)) return { problem: `Stages: “${item}” is not a whole percentage (write them like 10, 50, 100)` };
    const value = Number(digits);
    if (value < 1 || value > 100) return { problem: `Stages: ${value} is not between 1 and 100` };
    if (stages.length > 0 && value <= stages[stages.length - 1]) return { problem: `Stages must increase: ${value} comes after ${stages[stages.length - 1]}` };
    stages.push(value);
  }
  if (stages.length > 20) return { problem: 'Stages: at most 20' };
  if (stages[stages.length - 1] !== 100) return { problem: 'Stages must end at 100 (every device is reached in the last stage)' };
  return { value: stages };
}

/** A `datetime-local` value (local wall time) → ISO-8601 in UTC; nothing when blank. */
export function localDateTimeToIso(value: string, label: string): Parsed<string> {
  if (value.trim() === '') return {};
  // Without an offset, a date-time string is read in the browser's zone: the operator's local time.
  const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) return { problem: `${label}: “${value}” is not a date and time` };
  return { value: date.toISOString() };
}

/** An attribute's value: `true`/`false` and numbers as such, `"quoted"` text as the text inside. */
function attributeValue(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const quoted = /^"(.*)"$/.exec(text);
  return quoted ? quoted[1] : text;
}

/** The filter inputs → `target_filters` (only the keys given), with what cannot be read. */
export function targetFiltersOf(draft: FilterDraft): { filters: Record<string, unknown>; problems: Problem[] } {
  const filters: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const key of Object.keys(STRING_FILTERS) as StringFilter[]) {
    const value = draft[key].trim();
    if (value !== '') filters[key] = value;
  }
  const tags = splitList(draft.tags, /,/);
  if (tags.length > 0) filters.tags = tags;
  for (const line of draft.attributes.split('\n')) {
    if (line.trim() === '') continue;
    const separator = line.indexOf('=');
    const name = separator < 0 ? '' : line.slice(0, separator).trim();
    if (name === '') {
      problems.push({ field: 'target_filters.attributes', message: `Attributes: write “name=value”, not “${line.trim()}”` });
      continue;
    }
    filters[`attributes.${name}`] = attributeValue(line.slice(separator + 1).trim());
  }
  return { filters, problems };
}

/** The targeting fields shared by every body: lists, filters and the rollout percentage. */
export function targetsOf(form: CampaignForm): { targets: Omit<TargetPreviewBody, 'firmware_id' | 'seed'>; problems: Problem[] } {
  const targets: Omit<TargetPreviewBody, 'firmware_id' | 'seed'> = {};
  const problems: Problem[] = [];
  const groups = splitList(form.target_groups);
  const devices = splitList(form.target_devices);
  for (const [field, label, items] of [['target_groups', 'Target groups', groups], ['target_devices', 'Target devices', devices]] as const) {
    const tooLong = items.find((item) => item.length > 255);
    if (tooLong !== undefined) problems.push({ field, message: `${label}: “${tooLong.slice(0, 40)}…” is longer than 255 characters` });
  }
  if (groups.length > 0) targets.target_groups = groups;
  if (devices.length > 0) targets.target_devices = devices;
  const filtered = targetFiltersOf(form.target_filters);
  problems.push(...filtered.problems);
  if (Object.keys(filtered.filters).length > 0) targets.target_filters = filtered.filters;
  const percentage = parseNumber(form.rollout_percentage, NUMBER_FIELDS.rollout_percentage);
  if (percentage.problem) problems.push({ field: 'rollout_percentage', message: percentage.problem });
  if (percentage.value !== undefined) targets.rollout_percentage = percentage.value;
  return { targets, problems };
}

export function hasTargets(targets: Omit<TargetPreviewBody, 'firmware_id' | 'seed'>): boolean {
  return targets.target_groups !== undefined || targets.target_devices !== undefined || targets.target_filters !== undefined;
}

function windowsOf(drafts: WindowDraft[]): { windows: NonNullable<CreateCampaignBody['maintenance_windows']>; problems: Problem[] } {
  const windows: NonNullable<CreateCampaignBody['maintenance_windows']> = [];
  const problems: Problem[] = [];
  drafts.forEach((draft, index) => {
    // A row left blank is a row the operator added and did not use.
    if (draft.cron.trim() === '' && draft.duration_minutes.trim() === '') return;
    const at = `maintenance_windows.${index}`;
    const label = `Window ${index + 1}`;
    const cron = draft.cron.trim();
    if (cron === '') problems.push({ field: `${at}.cron`, message: `${label}: give its cron`, missing: true });
    else if (cron.split(/\s+/).length !== 5) problems.push({ field: `${at}.cron`, message: `${label}: the cron needs five fields (minute hour day month weekday), e.g. 0 2 * * *` });
    const duration = parseNumber(draft.duration_minutes, { label: `${label} duration (minutes)`, min: 1, max: 10_080, integer: true });
    if (duration.problem) problems.push({ field: `${at}.duration_minutes`, message: duration.problem });
    else if (duration.value === undefined) problems.push({ field: `${at}.duration_minutes`, message: `${label}: give its duration`, missing: true });
    const timeZone = draft.time_zone.trim();
    if (timeZone === '') problems.push({ field: `${at}.time_zone`, message: `${label}: give its time zone (or “device”)`, missing: true });
    if (duration.value !== undefined && cron !== '' && timeZone !== '') windows.push({ cron, duration_minutes: duration.value, time_zone: timeZone });
  });
  return { windows, problems };
}

function rolloutRateOf(draft: Record<RateField, string>): { rate?: NonNullable<CreateCampaignBody['rollout_rate']>; problems: Problem[] } {
  const values: Partial<Record<RateField, number>> = {};
  const problems: Problem[] = [];
  for (const field of Object.keys(RATE_FIELDS) as RateField[]) {
    const spec = RATE_FIELDS[field];
    const parsed = parseNumber(draft[field], spec);
    if (parsed.problem) problems.push({ field: `rollout_rate.${field}`, message: parsed.problem });
    else if (parsed.value === undefined) problems.push({ field: `rollout_rate.${field}`, message: `${spec.label}: needed for the ramp`, missing: true });
    else values[field] = parsed.value;
  }
  const { base_per_minute, increment_factor, increase_after_succeeded, max_per_minute } = values;
  if (base_per_minute === undefined || increment_factor === undefined || increase_after_succeeded === undefined || max_per_minute === undefined) return { problems };
  if (max_per_minute < base_per_minute) {
    return { problems: [{ field: 'rollout_rate.max_per_minute', message: 'Max releases a minute must be at least the base' }] };
  }
  return { rate: { base_per_minute, increment_factor, increase_after_succeeded, max_per_minute }, problems };
}

/**
 * The body of `POST /campaigns` for the form, and every problem found. The body is built from
 * whatever could be read, so the preview goes on while one field is being fixed.
 */
export function createBodyOf(form: CampaignForm): { body: CreateCampaignBody; problems: Problem[] } {
  const problems: Problem[] = [];
  const name = form.name.trim();
  if (name === '') problems.push({ field: 'name', message: 'Name: give the campaign a name', missing: true });
  else if (name.length > 200) problems.push({ field: 'name', message: 'Name: at most 200 characters' });
  if (form.firmware_id === '') problems.push({ field: 'firmware_id', message: 'Firmware: choose the firmware to roll out', missing: true });

  const { targets, problems: targetProblems } = targetsOf(form);
  problems.push(...targetProblems);
  if (!hasTargets(targets)) problems.push({ field: 'target_groups', message: 'Targets: give a group, a device or a filter', missing: true });

  const body: CreateCampaignBody = {
    name,
    firmware_id: form.firmware_id,
    deployment_strategy: form.deployment_strategy,
    priority: form.priority,
    ...targets,
  };
  const description = form.description.trim();
  if (description.length > 1000) problems.push({ field: 'description', message: 'Description: at most 1000 characters' });
  if (description !== '') body.description = description;

  for (const field of Object.keys(NUMBER_FIELDS) as NumberField[]) {
    if (field === 'rollout_percentage') continue; // One of the targets, above.
    const parsed = parseNumber(form[field], NUMBER_FIELDS[field]);
    if (parsed.problem) problems.push({ field, message: parsed.problem });
    if (parsed.value !== undefined) body[field] = parsed.value;
  }

  const stages = parseStages(form.stages);
  if (stages.problem) problems.push({ field: 'stages', message: stages.problem });
  if (stages.value) body.stages = stages.value;

  if (form.ramp) {
    const ramp = rolloutRateOf(form.rollout_rate);
    problems.push(...ramp.problems);
    if (ramp.rate) body.rollout_rate = ramp.rate;
  }

  const start = localDateTimeToIso(form.scheduled_start, 'Scheduled start');
  const end = localDateTimeToIso(form.scheduled_end, 'Scheduled end');
  if (start.problem) problems.push({ field: 'scheduled_start', message: start.problem });
  if (end.problem) problems.push({ field: 'scheduled_end', message: end.problem });
  if (start.value) body.scheduled_start = start.value;
  if (end.value) body.scheduled_end = end.value;
  if (form.deployment_strategy === 'scheduled' && !start.value && !start.problem) {
    problems.push({ field: 'scheduled_start', message: 'Scheduled start: a scheduled campaign needs one', missing: true });
  }
  if (start.value && end.value && end.value <= start.value) problems.push({ field: 'scheduled_end', message: 'Scheduled end must be after the start' });

  const windows = windowsOf(form.maintenance_windows);
  problems.push(...windows.problems);
  if (windows.windows.length > 0) body.maintenance_windows = windows.windows;
  const zone = form.default_time_zone.trim();
  if (zone !== '') body.default_time_zone = zone;

  const channels = splitList(form.notification_channels, /\n/);
  if (channels.length > 20) problems.push({ field: 'notification_channels', message: 'Notification channels: at most 20' });
  if (channels.length > 0) body.notification_channels = channels;

  Object.assign(body, {
    continuous: form.continuous,
    auto_rollback: form.auto_rollback,
    rollback_triggers: [...form.rollback_triggers],
    requires_approval: form.requires_approval,
    requires_device_confirmation: form.requires_device_confirmation,
    notify_on_start: form.notify_on_start,
    notify_on_complete: form.notify_on_complete,
    notify_on_failure: form.notify_on_failure,
  } satisfies Partial<CreateCampaignBody>);
  return { body, problems };
}

// The plan validates its body as create does, name included; a dry run has no use for the name.
const DRY_RUN_NAME = 'Dry run';

/** What the live preview calls for the form now, or what it waits for. */
export interface PreviewRequests {
  /** What is still needed, in words ("a firmware"); the calls that need it are not made. */
  missing: string[];
  /** `POST /targets/preview`: whenever a target is given (the firmware is optional there). */
  preview?: TargetPreviewBody;
  /** `POST /campaigns/plan`: with a firmware and a target, once the form reads cleanly. */
  plan?: CreateCampaignBody;
  /** What keeps the plan from being asked for, besides what is missing. */
  problems: Problem[];
}

export function previewRequestsOf(form: CampaignForm): PreviewRequests {
  const { targets, problems: targetProblems } = targetsOf(form);
  const missing: string[] = [];
  if (form.firmware_id === '') missing.push('a firmware');
  if (!hasTargets(targets)) missing.push('a target (a group, a device or a filter)');
  const requests: PreviewRequests = { missing, problems: targetProblems };
  if (hasTargets(targets) && targetProblems.length === 0) {
    requests.preview = { ...targets, ...(form.firmware_id !== '' ? { firmware_id: form.firmware_id } : {}) };
  }
  if (missing.length > 0) return requests;
  const { body, problems } = createBodyOf(form);
  requests.problems = problems.filter((problem) => !(problem.field === 'name' && problem.missing));
  if (requests.problems.length === 0) requests.plan = { ...body, name: body.name === '' ? DRY_RUN_NAME : body.name };
  return requests;
}

/** Adds `item` to a comma separated list, or takes it out when it is there (the fleet's group boxes). */
export function toggleListItem(text: string, item: string): string {
  const items = splitList(text);
  return (items.includes(item) ? items.filter((existing) => existing !== item) : [...items, item]).join(', ');
}
