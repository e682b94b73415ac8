import type { LightMyRequestResponse } from 'fastify';
import type { components } from '../../clients/typescript';
import { DeviceReportsService } from '../../src/modules/updates/device-reports.service';
import { UpdateTimeoutsService } from '../../src/modules/updates/update-timeouts.service';
import { createDevice, deviceUrl } from './device-factory';
import { firmwareMetadata, uploadFirmware } from './firmware-factory';
import type { TestApp } from './test-app';
import { withClient } from './test-database';
import { expectData, typedClient } from './typed-client';

export const BULK_UPDATE_URL = '/api/v1/devices/bulk/update';

export function updateUrl(updateId: string, suffix = ''): string {
  return `/api/v1/updates/${updateId}${suffix}`;
}

/** Uploads a firmware through the API (the metadata overrides on top of the factory's) and returns its body. */
export async function createFirmware(
  t: TestApp,
  headers: Record<string, string>,
  overrides: Record<string, unknown> = {},
): Promise<{ firmware_id: string; version: string; file_size: number } & Record<string, unknown>> {
  const res = await uploadFirmware(t, headers, { metadata: firmwareMetadata(overrides) });
  if (res.statusCode !== 201) throw new Error(`uploading firmware answered ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** A registered device (firmware 1.4.2, hardware 1.2, model SF-2024-Pro unless overridden) and a firmware it fits. */
export async function deviceAndFirmware(
  t: TestApp,
  headers: Record<string, string>,
  options: { device?: Record<string, unknown>; firmware?: Record<string, unknown> } = {},
) {
  const device = await createDevice(t, headers, options.device);
  const firmware = await createFirmware(t, headers, options.firmware);
  return { device, firmware };
}

/** POST /devices/{device_id}/update. */
export function requestUpdate(
  t: TestApp,
  headers: Record<string, string>,
  deviceId: string,
  body: Record<string, unknown>,
): Promise<LightMyRequestResponse> {
  return t.request({ method: 'POST', url: deviceUrl(deviceId, '/update'), headers, payload: body });
}

/** Creates an update and returns its body; fails the test unless 201. */
export async function createUpdate(
  t: TestApp,
  headers: Record<string, string>,
  deviceId: string,
  body: Record<string, unknown>,
): Promise<{ update_id: string; status: string } & Record<string, unknown>> {
  const path = { device_id: deviceId };
  const request = body as components['schemas']['CreateDeviceUpdateDto'];
  const update = await expectData('creating an update', typedClient(t, headers).POST('/api/v1/devices/{device_id}/update', { params: { path }, body: request }));
  return update as { update_id: string; status: string } & Record<string, unknown>;
}

/** The service the device API and the MQTT consumer call for device reports. */
export function deviceReports(t: TestApp): DeviceReportsService {
  return t.app.get(DeviceReportsService);
}

/** The scheduler's timeouts and automatic retries. */
export function updateTimeouts(t: TestApp): UpdateTimeoutsService {
  return t.app.get(UpdateTimeoutsService);
}

export interface UpdateRow {
  update_id: string;
  device_id: string;
  status: string;
  kind: string;
  retry_count: number;
  max_retries: number;
  error_code: string | null;
  progress_percentage: number;
  progress_written_at: Date | null;
  next_retry_at: Date | null;
  timeout_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  from_version: string | null;
  to_version: string;
  updated_at: Date;
}

/** Runs SQL against the test database (to read rows or move times into the past). */
export function sql<T extends object = Record<string, unknown>>(t: TestApp, text: string, params: unknown[] = []): Promise<T[]> {
  return withClient(t.database.url, async (client) => (await client.query<T>(text, params)).rows);
}

export async function updateRow(t: TestApp, updateId: string): Promise<UpdateRow> {
  const [row] = await sql<UpdateRow>(t, 'SELECT * FROM ota.device_updates WHERE update_id = $1', [updateId]);
  return row;
}

export function timelineRows(t: TestApp, updateId: string): Promise<{ status: string; source: string; detail: string | null; progress: number | null }[]> {
  return sql(t, 'SELECT status, source, detail, progress FROM ota.device_update_events WHERE update_id = $1 ORDER BY id', [updateId]);
}

/** Outbox events about one update (or any with this `data` key/value), oldest first. */
export function outboxEvents(t: TestApp, key: string, value: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
  return sql(
    t,
    `SELECT type, envelope->'data' AS data FROM ota.outbox_events WHERE envelope->'data'->>$1 = $2 ORDER BY sequence`,
    [key, value],
  );
}

export function deviceCommands(t: TestApp, deviceId: string): Promise<{ payload: Record<string, unknown>; organization_id: string }[]> {
  return sql(t, 'SELECT payload, organization_id FROM ota.device_commands WHERE device_id = $1 ORDER BY sequence', [deviceId]);
}

/** The types of the commands the device was sent, oldest first (`update_available` once per release). */
export async function deviceCommandTypes(t: TestApp, deviceId: string): Promise<unknown[]> {
  return (await deviceCommands(t, deviceId)).map((command) => command.payload.type);
}
