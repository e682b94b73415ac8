import { Injectable } from '@nestjs/common';
import { ConflictError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { PrismaService } from '../../database/prisma.service';
import { FirmwareService } from '../firmware/firmware.service';
import type { UpdateResponseDto } from './dto/update.dto';
import { type EventSource, timelineEvent, updateNotFound } from './update-records';
import { UpdateChanges } from './update-changes';
import { toUpdateResponse } from './update.mapper';
import { UpdatesRepository } from './updates.repository';

/** A device's answer to an update that asks for its consent. */
export interface ConsentAnswer {
  confirmed: boolean;
  reason?: string;
}

/**
 * Device consent (`requires_device_confirmation`, hawkBit's consent flow): a campaign's update
 * released as `awaiting_confirmation` waits, without a timeout, until its device confirms it;
 * then it is `scheduled` with its timeout running and goes on as any update. A refusal keeps it
 * waiting (the device may accept later) until the campaign ends.
 */
@Injectable()
export class DeviceConsentService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: UpdatesRepository,
    private readonly changes: UpdateChanges,
    private readonly firmware: FirmwareService,
  ) {}

  /**
   * Records the device's answer: `confirmed` releases the update to it (`scheduled`, `timeout_at`
   * = now + its timeout); a refusal leaves it waiting, with a timeline row giving the reason.
   * @throws NotFoundError `update/not_found` for an unknown update or another device's.
   * @throws ConflictError `update/not_awaiting_confirmation` when the update does not wait for consent.
   */
  async answer(organizationId: string, deviceId: string, updateId: string, answer: ConsentAnswer, source: EventSource): Promise<UpdateResponseDto> {
    const row = await this.prisma.$transaction(async (tx) => {
      const locked = await this.repository.lock(organizationId, updateId, tx);
      if (locked === null || locked.deviceId !== deviceId) throw updateNotFound(updateId);
      if (locked.status !== 'awaiting_confirmation') {
        throw new ConflictError(ErrorCode.UpdateNotAwaitingConfirmation, `Update ${updateId} does not wait for the device's consent (it is ${locked.status})`);
      }
      if (!answer.confirmed) {
        const why = answer.reason ? `: ${answer.reason}` : '';
        await this.repository.addEvents([timelineEvent(locked, source, `Refused by the device${why}`)], tx);
        return locked;
      }
      const now = new Date();
      const [after] = await this.repository.updateMany(
        organizationId,
        [updateId],
        { status: 'scheduled', currentPhase: 'scheduled', timeoutAt: new Date(now.getTime() + locked.timeoutMinutes * 60_000), updatedAt: now },
        tx,
      );
      await this.repository.addEvents([timelineEvent(after, source, 'Confirmed by the device')], tx);
      await this.changes.recorded(tx, [{ before: locked, after }]);
      return after;
    });
    const firmware = await this.firmware.findMany(organizationId, [row.firmwareId]);
    return toUpdateResponse(row, firmware.get(row.firmwareId) ?? null);
  }
}
