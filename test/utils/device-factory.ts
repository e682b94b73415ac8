import type { LightMyRequestResponse } from 'fastify';
import type { components } from '../../clients/typescript';
import type { TestApp } from './test-app';
import { withClient } from './test-database';
import { expectData, typedClient } from './typed-client';

export const DEVICES_URL = '/api/v1/devices';
export const DEVICE_IMPORT_URL = '/api/v1/devices/import';
export const DEVICE_GROUPS_URL = '/api/v1/device-groups';
export const DEVICE_API_URL = '/api/v1/device-api/devices';

let sequence = 0;

/** A device id unique to this test run. */
export function uniqueDeviceId(prefix = 'dev'): string {
  sequence += 1;
  return `${prefix}-${process.pid}-${sequence}`;
}

/** Test factory: the body of `POST /api/v1/devices` with every field set, ids unique. */
export function devicePayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    device_id: uniqueDeviceId(),
    device_type: 'smart_frame',
    device_model: 'SF-2024-Pro',
    manufacturer: 'SmartTech',
    hardware_version: '1.2',
    firmware_version: '1.4.2',
    groups: ['living-room'],
    tags: ['wifi'],
    attributes: { color: 'black', screen_inches: 10.1, touch: true },
    ...overrides,
  };
}

/** POST /api/v1/devices. */
export function registerDevice(t: TestApp, headers: Record<string, string>, payload: Record<string, unknown> = devicePayload()): Promise<LightMyRequestResponse> {
  return t.request({ method: 'POST', url: DEVICES_URL, headers, payload });
}

/** Registers a new device and returns its body (with `device_token`); fails the test otherwise. */
export async function createDevice(
  t: TestApp,
  headers: Record<string, string>,
  overrides: Record<string, unknown> = {},
): Promise<{ device_id: string; device_token: string } & Record<string, unknown>> {
  const body = devicePayload(overrides) as components['schemas']['RegisterDeviceDto'];
  const device = await expectData('registering a device', typedClient(t, headers).POST('/api/v1/devices', { body }));
  return device as { device_id: string; device_token: string } & Record<string, unknown>;
}

export function deviceUrl(deviceId: string, suffix = ''): string {
  return `${DEVICES_URL}/${encodeURIComponent(deviceId)}${suffix}`;
}

/** The headers a device sends. */
export function deviceAuth(token: string): Record<string, string> {
  return { authorization: `Device ${token}` };
}

/** One JSON object per line, as `application/x-ndjson`. */
export function ndjson(rows: unknown[]): string {
  return rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n');
}

/** POST /api/v1/devices/import with a JSON array or an NDJSON text. */
export function importDevices(
  t: TestApp,
  headers: Record<string, string>,
  body: unknown[] | string,
): Promise<LightMyRequestResponse> {
  const ndjsonBody = typeof body === 'string';
  return t.request({
    method: 'POST',
    url: DEVICE_IMPORT_URL,
    headers: { ...headers, 'content-type': ndjsonBody ? 'application/x-ndjson' : 'application/json' },
    payload: ndjsonBody ? body : JSON.stringify(body),
  });
}

export interface DeviceRow {
  organization_id: string;
  device_id: string;
  device_type: string | null;
  firmware_version: string | null;
  firmware_version_key: Buffer | null;
  hardware_version_key: Buffer | null;
  groups: string[];
  tags: string[];
  attributes: Record<string, unknown>;
  token_hash: string | null;
  last_seen_at: Date | null;
}

/** The rows of `ota.devices` as stored, read with SQL (not through the API under test). */
export function deviceRows(t: TestApp, organizationId: string): Promise<DeviceRow[]> {
  return withClient(t.database.url, async (client) =>
    (await client.query<DeviceRow>('SELECT * FROM ota.devices WHERE organization_id = $1 ORDER BY device_id', [organizationId])).rows,
  );
}
