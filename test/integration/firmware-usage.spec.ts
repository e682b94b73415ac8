import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConflictError } from '../../src/common/errors/domain-error';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/config';
import type { TransactionClient } from '../../src/database/prisma.service';
import { FirmwareUploadService } from '../../src/modules/firmware/firmware-upload.service';
import { type FirmwareUsage, FirmwareUsageCheck } from '../../src/modules/firmware/firmware-usage';
import { FirmwareService } from '../../src/modules/firmware/firmware.service';
import { auditContext } from '../utils/audit-context';
import { firmwareBytes, firmwareMetadata } from '../utils/firmware-factory';
import { createTestDatabase, type TestDatabase, withClient } from '../utils/test-database';
import { TEST_JWT_SECRET } from '../utils/test-app';

const audit = auditContext();

/**
 * Stands in for the modules that will hold firmware (updates, campaigns): it reads a table of its
 * own in the same transaction as the delete, as theirs will.
 */
@Injectable()
@FirmwareUsageCheck()
class HeldFirmware implements FirmwareUsage {
  async describeActiveUse(organizationId: string, firmwareId: string, tx: TransactionClient): Promise<string | null> {
    const rows = await tx.$queryRawUnsafe<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM test_holds WHERE organization_id = $1 AND firmware_id = $2',
      organizationId,
      firmwareId,
    );
    return rows[0].n > 0 ? `${rows[0].n} active updates` : null;
  }
}

describe('deleting firmware that something still uses', () => {
  let database: TestDatabase;
  let storageDir: string;
  let firmware: FirmwareService;
  let uploads: FirmwareUploadService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    database = await createTestDatabase();
    await withClient(database.url, (client) => client.query('CREATE TABLE test_holds (organization_id text, firmware_id text)'));
    storageDir = mkdtempSync(join(tmpdir(), 'ota-test-storage-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      JWT_SECRET: TEST_JWT_SECRET,
      STORAGE_DIR: storageDir,
      DATA_DIR: storageDir,
      SCHEDULER_ENABLED: 'false',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)], providers: [HeldFirmware] }).compile();
    const app = await moduleRef.init();
    firmware = app.get(FirmwareService);
    uploads = app.get(FirmwareUploadService);
    close = () => app.close();
  });
  afterAll(async () => {
    await close?.();
    await database.drop();
    rmSync(storageDir, { recursive: true, force: true });
  });

  async function upload(): Promise<string> {
    const parts = (async function* () {
      yield { kind: 'field' as const, name: 'metadata', value: JSON.stringify(firmwareMetadata()), truncated: false };
      yield { kind: 'file' as const, name: 'file', fileName: 'a.bin', stream: Readable.from([firmwareBytes(1024)]) };
    })();
    return (await uploads.upload('org-a', audit, parts)).firmware.firmware_id;
  }

  it('is refused with 409 firmware/in_use while a usage check reports use, and allowed once it does not', async () => {
    const held = await upload();
    const free = await upload();
    await withClient(database.url, (client) => client.query('INSERT INTO test_holds VALUES ($1, $2), ($1, $2)', ['org-a', held]));

    const refused = firmware.delete('org-a', held, audit);
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ code: 'firmware/in_use', message: expect.stringContaining('2 active updates') });
    await expect(firmware.get('org-a', held)).resolves.toMatchObject({ firmware_id: held });

    await expect(firmware.delete('org-a', free, audit)).resolves.toMatchObject({ firmware_id: free });
    await withClient(database.url, (client) => client.query('DELETE FROM test_holds'));
    await expect(firmware.delete('org-a', held, audit)).resolves.toMatchObject({ firmware_id: held });
  });
});
