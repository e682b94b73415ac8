import type { Client } from 'pg';
import { firmwareVersionKey, hardwareVersionKey } from '../../src/common/versions/version-key';
import { withClient } from './test-database';

/** One device as the registry stores it (the fields target selection reads). */
export interface DeviceRow {
  organization_id: string;
  device_id: string;
  device_type: string | null;
  device_model: string | null;
  manufacturer: string | null;
  hardware_version: string | null;
  firmware_version: string | null;
  groups: string[];
  tags: string[];
  attributes: Record<string, string | number | boolean>;
}

let sequence = 0;

/** Test factory: a device row with a unique id; `overrides` set any field. */
export function deviceRow(overrides: Partial<DeviceRow> = {}): DeviceRow {
  sequence += 1;
  return {
    organization_id: 'org-a',
    device_id: `dev-${sequence}`,
    device_type: 'smart_frame',
    device_model: 'SF-2024-Pro',
    manufacturer: 'SmartTech',
    hardware_version: '1.0',
    firmware_version: '1.0.0',
    groups: [],
    tags: [],
    attributes: {},
    ...overrides,
  };
}

/**
 * Writes rows straight into `ota.devices` with one statement (a JSON array unpacked by
 * `jsonb_to_recordset`), with the version keys the registry would compute, so tests of target
 * selection neither depend on the registry API nor wait on thousands of requests.
 */
export async function insertDeviceRows(target: string | Client, rows: readonly DeviceRow[]): Promise<void> {
  if (rows.length === 0) return;
  const payload = rows.map((row) => ({
    ...row,
    firmware_version_key: firmwareVersionKey(row.firmware_version)?.toString('hex') ?? null,
    hardware_version_key: hardwareVersionKey(row.hardware_version)?.toString('hex') ?? null,
  }));
  const sql = `
    INSERT INTO ota.devices (organization_id, device_id, device_type, device_model, manufacturer, hardware_version,
                             hardware_version_key, firmware_version, firmware_version_key, groups, tags, attributes, updated_at)
    SELECT r.organization_id, r.device_id, r.device_type, r.device_model, r.manufacturer, r.hardware_version,
           decode(r.hardware_version_key, 'hex'), r.firmware_version, decode(r.firmware_version_key, 'hex'),
           r.groups, r.tags, r.attributes, now()
      FROM jsonb_to_recordset($1::jsonb) AS r(organization_id text, device_id text, device_type text, device_model text,
           manufacturer text, hardware_version text, hardware_version_key text, firmware_version text,
           firmware_version_key text, groups text[], tags text[], attributes jsonb)`;
  const params = [JSON.stringify(payload)];
  if (typeof target === 'string') await withClient(target, (client) => client.query(sql, params));
  else await target.query(sql, params);
}

/** Removes every device row (between tests that need a fleet of their own). */
export async function deleteDeviceRows(target: string | Client): Promise<void> {
  const sql = 'DELETE FROM ota.devices';
  if (typeof target === 'string') await withClient(target, (client) => client.query(sql));
  else await target.query(sql);
}
