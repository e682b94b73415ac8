import type { LightMyRequestResponse } from 'fastify';
import { Clock } from '../../src/common/time/clock';
import { RolloutService } from '../../src/modules/rollout/rollout.service';
import { createDevice, DEVICE_API_URL, deviceAuth } from './device-factory';
import type { components } from '../../clients/typescript';
import type { TestApp } from './test-app';
import { expectData, typedClient } from './typed-client';
import { createFirmware, sql } from './update-factory';

export const CAMPAIGNS_URL = '/api/v1/campaigns';

type CreateCampaignBody = components['schemas']['CreateCampaignDto'];
export type CampaignStats = components['schemas']['CampaignStatsResponseDto'];

export function campaignUrl(campaignId: string, suffix = ''): string {
  return `${CAMPAIGNS_URL}/${campaignId}${suffix}`;
}

/** The body of `POST /campaigns`: an immediate campaign of `firmwareId` to `group`, overridable. */
export function campaignBody(firmwareId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `campaign-${process.pid}-${Date.now()}`, firmware_id: firmwareId, target_groups: ['fleet'], deployment_strategy: 'immediate', ...overrides };
}

/** Creates a campaign and returns its body; fails the test unless 201. */
export async function createCampaign(t: TestApp, headers: Record<string, string>, body: Record<string, unknown>): Promise<CampaignBody> {
  // Tests build bodies from loose overrides; the service validates them as it does any client's.
  const created = await expectData('creating a campaign', typedClient(t, headers).POST('/api/v1/campaigns', { body: body as CreateCampaignBody }));
  return created as CampaignBody;
}

export interface CampaignBody {
  campaign_id: string;
  status: string;
  timeline: { event: string; actor: string; reason: string | null; data: Record<string, unknown> | null; [key: string]: unknown }[];
  [key: string]: any;
}

/** POST /campaigns/{id}/{action}, with a body when given. */
export function campaignAction(t: TestApp, headers: Record<string, string>, campaignId: string, action: string, payload?: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return t.request({ method: 'POST', url: campaignUrl(campaignId, `/${action}`), headers, ...(payload === undefined ? {} : { payload }) });
}

/** Takes an action and returns the campaign; fails the test unless 200. */
export async function act(t: TestApp, headers: Record<string, string>, campaignId: string, action: string, payload?: Record<string, unknown>): Promise<CampaignBody> {
  const res = await campaignAction(t, headers, campaignId, action, payload);
  if (res.statusCode !== 200) throw new Error(`${action} answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

export async function getCampaign(t: TestApp, headers: Record<string, string>, campaignId: string): Promise<CampaignBody> {
  const path = { campaign_id: campaignId };
  const campaign = await expectData('reading the campaign', typedClient(t, headers).GET('/api/v1/campaigns/{campaign_id}', { params: { path } }));
  return campaign as CampaignBody;
}

export function campaignStats(t: TestApp, headers: Record<string, string>, campaignId: string): Promise<CampaignStats> {
  const path = { campaign_id: campaignId };
  return expectData('campaign stats', typedClient(t, headers).GET('/api/v1/stats/campaigns/{campaign_id}', { params: { path } }));
}

/** One tick of the rollout for one campaign (tests run with the scheduler off and drive it). */
export function tick(t: TestApp, campaignId: string, organizationId: string): Promise<boolean> {
  return t.app.get(RolloutService).tickCampaign({ organizationId, campaignId });
}

const clockOffsets = new WeakMap<Clock, number>();

/** The rollout's time now (moved by {@link advanceClock}). */
export function clockNow(t: TestApp): Date {
  return t.app.get(Clock).now();
}

/** Moves the rollout's clock (soak and canary gates) `ms` ahead of the real time, for the rest of the test file. */
export function advanceClock(t: TestApp, ms: number): void {
  const clock = t.app.get(Clock);
  const offset = (clockOffsets.get(clock) ?? 0) + ms;
  clockOffsets.set(clock, offset);
  jest.spyOn(clock, 'now').mockImplementation(() => new Date(Date.now() + offset));
}

/**
 * Ticks the campaign and lets the devices work, in turn, until it leaves `statuses` (at most
 * `rounds` times); returns its status then.
 */
export async function drive(
  t: TestApp,
  headers: Record<string, string>,
  organizationId: string,
  campaignId: string,
  statuses: string[],
  fleet: DeviceClient,
  decide?: Parameters<DeviceClient['work']>[0],
  rounds = 30,
): Promise<string> {
  for (let round = 0; round < rounds; round++) {
    await tick(t, campaignId, organizationId);
    const { status } = await getCampaign(t, headers, campaignId);
    if (!statuses.includes(status)) return status;
    await fleet.work(decide);
  }
  return (await getCampaign(t, headers, campaignId)).status;
}

/** A campaign's rows as stored, by device. */
export function campaignRows(t: TestApp, campaignId: string, kind = 'update'): Promise<CampaignRow[]> {
  return sql<CampaignRow>(
    t,
    `SELECT device_id, update_id, status, current_phase, campaign_stage, from_version, to_version, error_code, activation, kind
       FROM ota.device_updates WHERE campaign_id = $1 AND kind = $2 ORDER BY device_id`,
    [campaignId, kind],
  );
}

export interface CampaignRow {
  device_id: string;
  update_id: string;
  status: string;
  current_phase: string | null;
  campaign_stage: number | null;
  from_version: string | null;
  to_version: string;
  error_code: string | null;
  activation: string;
  kind: string;
}

export type DeviceOutcome = 'completed' | 'failed' | 'ignore' | 'stage';

/** A registered device and the token it talks to the device API with. */
export interface TestDevice {
  deviceId: string;
  token: string;
  version: string;
}

/**
 * Devices that talk to the service over the public device API, as a real device would: check
 * in, and for the update they are given report each phase up to the outcome `decide` picks.
 */
export class DeviceClient {
  /** Blue-green updates each device staged, by update id: the device waits for the switch. */
  private readonly staged = new Set<string>();

  constructor(
    private readonly t: TestApp,
    readonly devices: TestDevice[],
  ) {}

  /** Registers `count` devices in the group `fleet` (and `groups`), on `version`. */
  static async register(t: TestApp, headers: Record<string, string>, count: number, overrides: Record<string, unknown> = {}): Promise<DeviceClient> {
    const devices: TestDevice[] = [];
    for (let index = 0; index < count; index++) {
      const device = await createDevice(t, headers, { groups: ['fleet'], firmware_version: '1.4.2', ...overrides });
      devices.push({ deviceId: device.device_id, token: device.device_token, version: String(device.firmware_version) });
    }
    return new DeviceClient(t, devices);
  }

  /** The device's check-in answer's `update`, or null. */
  async checkIn(device: TestDevice): Promise<Record<string, any> | null> {
    const res = await this.t.request({
      method: 'POST',
      url: `${DEVICE_API_URL}/${encodeURIComponent(device.deviceId)}/check-in`,
      headers: deviceAuth(device.token),
      payload: { firmware_version: device.version },
    });
    if (res.statusCode !== 200) throw new Error(`check-in answered ${res.statusCode}: ${res.body}`);
    return res.json().update;
  }

  /** A device's report on its update. */
  report(device: TestDevice, updateId: string, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
    return this.t.request({
      method: 'POST',
      url: `${DEVICE_API_URL}/${encodeURIComponent(device.deviceId)}/updates/${updateId}/status`,
      headers: deviceAuth(device.token),
      payload: body,
    });
  }

  /**
   * Every device checks in once; a device with an update works on it to the outcome `decide`
   * gives: `completed`, `failed`, `stage` (blue-green: stop at `awaiting_activation`, or finish
   * when told `activation: now`) or `ignore`. Returns the devices that had an update.
   */
  async work(decide: (device: TestDevice, update: Record<string, any>) => DeviceOutcome = () => 'completed'): Promise<string[]> {
    const worked: string[] = [];
    for (const device of this.devices) {
      const update = await this.checkIn(device);
      if (update === null) continue;
      // A staged update comes back `deferred` until the switch: the device waits, as a real one does.
      if (update.activation === 'deferred' && this.staged.has(update.update_id)) continue;
      const outcome = decide(device, update);
      if (outcome === 'ignore') continue;
      worked.push(device.deviceId);
      await this.runUpdate(device, update, outcome);
    }
    return worked;
  }

  private async runUpdate(device: TestDevice, update: Record<string, any>, outcome: Exclude<DeviceOutcome, 'ignore'>): Promise<void> {
    const steps: Record<string, unknown>[] =
      update.activation === 'now'
        ? [{ status: 'rebooting' }, { status: 'completed', firmware_version: update.version }]
        : outcome === 'failed'
          ? [{ status: 'downloading' }, { status: 'failed', error_code: 'install_failed' }]
          : outcome === 'stage' && update.activation === 'deferred'
            ? [{ status: 'downloading' }, { status: 'verifying' }, { status: 'installing' }, { status: 'awaiting_activation' }]
            : [{ status: 'downloading' }, { status: 'verifying' }, { status: 'installing' }, { status: 'rebooting' }, { status: 'completed', firmware_version: update.version }];
    for (const step of steps) {
      const res = await this.report(device, update.update_id, step);
      if (res.statusCode !== 200) throw new Error(`report ${JSON.stringify(step)} of ${device.deviceId} answered ${res.statusCode}: ${res.body}`);
    }
    if (steps.at(-1)?.status === 'completed') device.version = String(update.version);
    if (steps.at(-1)?.status === 'awaiting_activation') this.staged.add(update.update_id);
  }
}

let fleets = 0;

/**
 * `count` devices in a group of their own and a firmware 2.0.0 of their model, named after a
 * counter (unique within a test file, whose database is its own); `devices` overrides the
 * registrations (a starting `firmware_version`, attributes).
 */
export async function fleetWithFirmware(t: TestApp, headers: Record<string, string>, count: number, devices: Record<string, unknown> = {}) {
  fleets += 1;
  const group = `fleet-${fleets}`;
  const model = `FLEET-${fleets}`;
  const fleet = await DeviceClient.register(t, headers, count, { groups: [group], device_model: model, ...devices });
  const firmware = await createFirmware(t, headers, { version: '2.0.0', device_model: model });
  return { group, model, fleet, firmware };
}
