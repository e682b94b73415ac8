import type { FieldError } from '../../common/errors/domain-error';
import type { Campaign } from '../../generated/prisma/client';
import type { DeploymentStrategy } from './domain/campaign-state';
import { type MaintenanceWindow, windowProblems, windowsOf } from './domain/maintenance-windows';
import { rateProblems, type RolloutRate, rolloutRateOf } from './domain/rollout-rate';
import { DEFAULT_STAGES } from './domain/stage-plan';
import type { CampaignSettingsDto, CreateCampaignDto, UpdateCampaignDto } from './dto/campaign.dto';

/** A campaign's settings as stored: every field of the request, defaults filled in. */
export interface CampaignSettings {
  name: string;
  description: string | null;
  targetDevices: string[];
  targetGroups: string[];
  targetFilters: Record<string, unknown> | null;
  priority: string;
  rolloutPercentage: number;
  maxConcurrentUpdates: number;
  batchSize: number;
  scheduledStart: Date | null;
  scheduledEnd: Date | null;
  timeoutMinutes: number;
  autoRollback: boolean;
  failureThresholdPercent: number;
  rollbackTriggers: string[];
  notifyOnStart: boolean;
  notifyOnComplete: boolean;
  notifyOnFailure: boolean;
  notificationChannels: string[];
  stages: number[];
  stageSoakMinutes: number;
  canaryPercentage: number;
  canaryDurationMinutes: number;
  maxRetries: number;
  minFailureSample: number;
  healthCheckWindowMinutes: number;
  requiresDeviceConfirmation: boolean;
  continuous: boolean;
  maintenanceWindows: MaintenanceWindow[] | null;
  defaultTimeZone: string | null;
  rolloutRate: RolloutRate | null;
}

/** Request field → stored field, for every setting a request may give or change. */
const FIELDS = {
  name: 'name',
  description: 'description',
  target_devices: 'targetDevices',
  target_groups: 'targetGroups',
  target_filters: 'targetFilters',
  priority: 'priority',
  rollout_percentage: 'rolloutPercentage',
  max_concurrent_updates: 'maxConcurrentUpdates',
  batch_size: 'batchSize',
  scheduled_start: 'scheduledStart',
  scheduled_end: 'scheduledEnd',
  timeout_minutes: 'timeoutMinutes',
  auto_rollback: 'autoRollback',
  failure_threshold_percent: 'failureThresholdPercent',
  rollback_triggers: 'rollbackTriggers',
  notify_on_start: 'notifyOnStart',
  notify_on_complete: 'notifyOnComplete',
  notify_on_failure: 'notifyOnFailure',
  notification_channels: 'notificationChannels',
  stages: 'stages',
  stage_soak_minutes: 'stageSoakMinutes',
  canary_percentage: 'canaryPercentage',
  canary_duration_minutes: 'canaryDurationMinutes',
  max_retries: 'maxRetries',
  min_failure_sample: 'minFailureSample',
  health_check_window_minutes: 'healthCheckWindowMinutes',
  requires_device_confirmation: 'requiresDeviceConfirmation',
  continuous: 'continuous',
  maintenance_windows: 'maintenanceWindows',
  default_time_zone: 'defaultTimeZone',
  rollout_rate: 'rolloutRate',
} as const satisfies Record<string, keyof CampaignSettings>;
type RequestField = keyof typeof FIELDS;

/** Fields a request may set to null (clearing them). */
const NULLABLE: readonly RequestField[] = ['description', 'scheduled_start', 'scheduled_end', 'target_filters', 'maintenance_windows', 'default_time_zone', 'rollout_rate'];

export const DEFAULT_SETTINGS: Omit<CampaignSettings, 'name' | 'targetDevices' | 'targetGroups' | 'targetFilters'> = {
  description: null,
  priority: 'normal',
  rolloutPercentage: 100,
  maxConcurrentUpdates: 10,
  batchSize: 50,
  scheduledStart: null,
  scheduledEnd: null,
  timeoutMinutes: 60,
  autoRollback: true,
  failureThresholdPercent: 20,
  rollbackTriggers: ['failure_rate', 'timeout'],
  notifyOnStart: true,
  notifyOnComplete: true,
  notifyOnFailure: true,
  notificationChannels: [],
  stages: [...DEFAULT_STAGES],
  stageSoakMinutes: 0,
  canaryPercentage: 5,
  canaryDurationMinutes: 60,
  maxRetries: 0,
  minFailureSample: 10,
  healthCheckWindowMinutes: 0,
  requiresDeviceConfirmation: false,
  continuous: false,
  maintenanceWindows: null,
  defaultTimeZone: null,
  rolloutRate: null,
};

/** The settings of a new campaign: what the request gives, defaults for the rest. */
export function settingsOfRequest(request: CreateCampaignDto): CampaignSettings {
  const settings: CampaignSettings = { ...DEFAULT_SETTINGS, name: request.name, targetDevices: [], targetGroups: [], targetFilters: null };
  return applyFields(settings, request).settings;
}

/** The stored settings of a campaign. */
export function settingsOf(campaign: Campaign): CampaignSettings {
  return {
    name: campaign.name,
    description: campaign.description,
    targetDevices: campaign.targetDevices,
    targetGroups: campaign.targetGroups,
    targetFilters: (campaign.targetFilters as Record<string, unknown> | null) ?? null,
    priority: campaign.priority,
    rolloutPercentage: campaign.rolloutPercentage,
    maxConcurrentUpdates: campaign.maxConcurrentUpdates,
    batchSize: campaign.batchSize,
    scheduledStart: campaign.scheduledStart,
    scheduledEnd: campaign.scheduledEnd,
    timeoutMinutes: campaign.timeoutMinutes,
    autoRollback: campaign.autoRollback,
    failureThresholdPercent: campaign.failureThresholdPercent,
    rollbackTriggers: campaign.rollbackTriggers,
    notifyOnStart: campaign.notifyOnStart,
    notifyOnComplete: campaign.notifyOnComplete,
    notifyOnFailure: campaign.notifyOnFailure,
    notificationChannels: campaign.notificationChannels,
    stages: campaign.stages,
    stageSoakMinutes: campaign.stageSoakMinutes,
    canaryPercentage: campaign.canaryPercentage,
    canaryDurationMinutes: campaign.canaryDurationMinutes,
    maxRetries: campaign.maxRetries,
    minFailureSample: campaign.minFailureSample,
    healthCheckWindowMinutes: campaign.healthCheckWindowMinutes,
    requiresDeviceConfirmation: campaign.requiresDeviceConfirmation,
    continuous: campaign.continuous,
    maintenanceWindows: windowsOf(campaign),
    defaultTimeZone: campaign.defaultTimeZone,
    rolloutRate: rolloutRateOf(campaign),
  };
}

/** `current` with the fields a change gives; `null` clears a nullable field and is refused for the others. */
export function applyChange(current: CampaignSettings, change: UpdateCampaignDto): { settings: CampaignSettings; errors: FieldError[] } {
  return applyFields({ ...current }, change);
}

function applyFields(settings: CampaignSettings, request: CampaignSettingsDto & { name?: string }): { settings: CampaignSettings; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const given = request as Record<string, unknown>;
  for (const field of Object.keys(FIELDS) as RequestField[]) {
    const value = given[field];
    if (value === undefined) continue;
    if (value === null && !NULLABLE.includes(field)) {
      errors.push({ loc: ['body', field], msg: `${field} cannot be null`, type: 'null' });
      continue;
    }
    const target = FIELDS[field];
    (settings as unknown as Record<string, unknown>)[target] =
      value !== null && (field === 'scheduled_start' || field === 'scheduled_end')
        ? new Date(value as string)
        : field === 'rollback_triggers' || field === 'target_devices' || field === 'target_groups'
          ? [...new Set(value as string[])]
          : value;
  }
  return { settings, errors };
}

/** What is wrong across fields (each field's own type and range is the DTO's). */
export function settingsProblems(settings: CampaignSettings, strategy: DeploymentStrategy): FieldError[] {
  const errors: FieldError[] = [];
  if (strategy === 'scheduled' && settings.scheduledStart === null) {
    errors.push({ loc: ['body', 'scheduled_start'], msg: 'A scheduled campaign needs scheduled_start', type: 'missing' });
  }
  if (settings.scheduledStart !== null && settings.scheduledEnd !== null && settings.scheduledStart >= settings.scheduledEnd) {
    errors.push({ loc: ['body', 'scheduled_end'], msg: 'scheduled_end must be after scheduled_start', type: 'range' });
  }
  const stages = settings.stages;
  if (stages.some((percentage, index) => index > 0 && percentage <= stages[index - 1]) || stages.at(-1) !== 100) {
    errors.push({ loc: ['body', 'stages'], msg: 'stages must be strictly increasing percentages ending at 100, e.g. [10, 50, 100]', type: 'stages' });
  }
  errors.push(...windowProblems(settings.maintenanceWindows, settings.defaultTimeZone), ...rateProblems(settings.rolloutRate));
  return errors;
}
