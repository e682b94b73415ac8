import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/config';
import type { TransactionClient } from '../../src/database/prisma.service';
import { DeviceDeletionHook, type DeviceDeletionListener } from '../../src/modules/devices/device-deletion-hook';
import type { DeviceRecord } from '../../src/modules/devices/device-input';
import { DevicesService } from '../../src/modules/devices/devices.service';
import { auditContext } from '../utils/audit-context';
import { uniqueDeviceId } from '../utils/device-factory';
import { TEST_JWT_SECRET } from '../utils/test-app';
import { createTestDatabase, type TestDatabase, withClient } from '../utils/test-database';

/**
 * Stands in for the updates module: it cancels the device's updates in a table of its own, in
 * the delete's transaction, and refuses (throws) for devices marked as such.
 */
@Injectable()
@DeviceDeletionHook()
class CancelUpdatesOnDelete implements DeviceDeletionListener {
  async onDeviceDeleted(organizationId: string, deviceId: string, tx: TransactionClient): Promise<void> {
    await tx.$executeRawUnsafe("UPDATE test_updates SET status = 'cancelled' WHERE organization_id = $1 AND device_id = $2", organizationId, deviceId);
    if (deviceId.startsWith('refuse-')) throw new Error('the hook refuses');
  }
}

function record(deviceId: string): DeviceRecord {
  return {
    device_id: deviceId,
    device_type: 'frame',
    device_model: null,
    manufacturer: null,
    hardware_version: null,
    firmware_version: null,
    groups: null,
    tags: null,
    attributes: null,
  };
}

describe('device deletion hooks', () => {
  let database: TestDatabase;
  let dataDir: string;
  let devices: DevicesService;
  let close: () => Promise<void>;

  const sql = <T extends object = Record<string, unknown>>(text: string, values: unknown[] = []) =>
    withClient(database.url, async (client) => (await client.query<T>(text, values)).rows);

  beforeAll(async () => {
    database = await createTestDatabase();
    await sql('CREATE TABLE test_updates (organization_id text, device_id text, status text)');
    dataDir = mkdtempSync(join(tmpdir(), 'ota-test-data-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      SCHEDULER_ENABLED: 'false',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)], providers: [CancelUpdatesOnDelete] }).compile();
    const app = await moduleRef.init();
    devices = app.get(DevicesService);
    close = () => app.close();
  });
  afterAll(async () => {
    await close?.();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const statuses = (deviceId: string) => sql<{ status: string }>('SELECT status FROM test_updates WHERE device_id = $1', [deviceId]);
  const deletedEvents = (deviceId: string) =>
    sql("SELECT 1 FROM ota.outbox_events WHERE type = 'device.deleted' AND envelope->'data'->>'device_id' = $1", [deviceId]);

  it('runs every hook in the delete transaction: its writes commit with the delete', async () => {
    const deviceId = uniqueDeviceId();
    await devices.register('org-a', record(deviceId), auditContext());
    await sql("INSERT INTO test_updates VALUES ('org-a', $1, 'pending'), ('org-b', $1, 'pending')", [deviceId]);

    await expect(devices.delete('org-a', deviceId, auditContext())).resolves.toMatchObject({ device_id: deviceId });

    expect((await statuses(deviceId)).map((r) => r.status).sort()).toEqual(['cancelled', 'pending']);
    expect(await deletedEvents(deviceId)).toHaveLength(1);
  });

  it('undoes the delete, the event and the hook writes when a hook fails', async () => {
    const deviceId = uniqueDeviceId('refuse');
    await devices.register('org-a', record(deviceId), auditContext());
    await sql("INSERT INTO test_updates VALUES ('org-a', $1, 'pending')", [deviceId]);

    await expect(devices.delete('org-a', deviceId, auditContext())).rejects.toThrow('the hook refuses');

    await expect(devices.get('org-a', deviceId)).resolves.toMatchObject({ device_id: deviceId });
    expect((await statuses(deviceId)).map((r) => r.status)).toEqual(['pending']);
    expect(await deletedEvents(deviceId)).toHaveLength(0);
  });

  it('deleteMirrored (a deletion by the device service) runs the hooks, held row or not, and records no device.deleted', async () => {
    const held = uniqueDeviceId();
    const notHeld = uniqueDeviceId();
    await devices.mirror('org-a', record(held));
    await sql("INSERT INTO test_updates VALUES ('org-a', $1, 'pending'), ('org-a', $2, 'pending')", [held, notHeld]);

    await expect(devices.deleteMirrored('org-a', held)).resolves.toBe(true);
    await expect(devices.deleteMirrored('org-a', notHeld)).resolves.toBe(false);
    await expect(devices.deleteMirrored('org-a', held)).resolves.toBe(false);

    await expect(devices.get('org-a', held)).rejects.toMatchObject({ code: 'device/not_found' });
    expect((await statuses(held)).map((r) => r.status)).toEqual(['cancelled']);
    expect((await statuses(notHeld)).map((r) => r.status)).toEqual(['cancelled']);
    expect(await deletedEvents(held)).toHaveLength(0);
  });

  it('does not call the hooks for an unknown device (404 first)', async () => {
    await expect(devices.delete('org-a', 'no-such-device', auditContext())).rejects.toMatchObject({ code: 'device/not_found' });
  });
});
