import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../database/prisma.service';
import { inSequentialChunks } from '../../database/sequential-chunks';
import type { DeviceCommandRequest, DeviceCommandSink } from './device-command-sink';

/**
 * The default sink: one `ota.device_commands` row per command, which is all the MQTT relay needs.
 * Rows are written whether MQTT is on or not, so this module need not know; without MQTT the
 * relay only purges them after the outbox retention, since devices learn the same from their
 * HTTP check-in.
 */
@Injectable()
export class DeviceCommandsWriter implements DeviceCommandSink {
  async enqueue(tx: TransactionClient, request: DeviceCommandRequest): Promise<void> {
    await this.enqueueMany(tx, [request]);
  }

  /**
   * Writes the commands in their order (their `sequence` follows it), 500 per statement. Raw
   * rather than `createMany`: Prisma's query compiler took about 50 ms of CPU per 500 rows.
   */
  async enqueueMany(tx: TransactionClient, requests: DeviceCommandRequest[]): Promise<void> {
    await inSequentialChunks(requests, async (chunk) => {
      const rows = JSON.stringify(chunk.map((request) => ({ organization_id: request.organizationId, device_id: request.deviceId, payload: request.command })));
      return [
        await tx.$executeRaw`
          INSERT INTO ota.device_commands (id, organization_id, device_id, payload)
          SELECT gen_random_uuid(), c.organization_id, c.device_id, c.payload
            FROM ROWS FROM (json_to_recordset(${rows}::json) AS (organization_id text, device_id text, payload jsonb))
                 WITH ORDINALITY AS c(organization_id, device_id, payload, position)
           ORDER BY c.position`,
      ];
    });
  }
}
