import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../database/prisma.service';
import { inSequentialChunks } from '../../database/sequential-chunks';
import type { Prisma } from '../../generated/prisma/client';
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

  async enqueueMany(tx: TransactionClient, requests: DeviceCommandRequest[]): Promise<void> {
    const data = requests.map((request) => ({
      id: randomUUID(),
      organizationId: request.organizationId,
      deviceId: request.deviceId,
      payload: request.command as Prisma.InputJsonValue,
    }));
    await inSequentialChunks(data, async (chunk) => [await tx.deviceCommand.createMany({ data: chunk })]);
  }
}
