import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../database/prisma.service';
import type { Campaign } from '../../generated/prisma/client';
import { FirmwareService } from '../firmware/firmware.service';
import { TargetSelectionService } from '../targeting/target-selection.service';
import { CampaignUpdatesService } from '../updates/campaign-updates.service';
import { campaignRowTemplate, CampaignLifecycle, keyOf, SCHEDULER, targetSpecOf } from './campaign-lifecycle';
import { CampaignsRepository } from './campaigns.repository';

/**
 * How far before its cursor a join looks again: a device write stamps `updated_at` with its
 * transaction's start and may commit a little after the cursor passed that time. Looking again is
 * free of harm: a device the campaign has is not added twice.
 */
export const JOIN_OVERLAP_MS = 5_000;
/** Devices a campaign takes in per tick at most; the rest join at the next ticks. */
export const JOIN_LIMIT = 10_000;

/**
 * Continuous campaigns: at each tick, devices that came to match the targets since the last look
 * (registered, imported, changed: every device write sets `updated_at`) and are compatible, not
 * on the version and sampled in get a `created` row in the open stage. The look is bounded by
 * what changed (the organization's devices with `updated_at` past the cursor, on their index),
 * never a scan of the fleet, and the device module's writes are untouched.
 */
@Injectable()
export class CampaignJoins {
  constructor(
    private readonly repository: CampaignsRepository,
    private readonly lifecycle: CampaignLifecycle,
    private readonly updates: CampaignUpdatesService,
    private readonly targeting: TargetSelectionService,
    private readonly firmware: FirmwareService,
  ) {}

  /**
   * Takes in the devices that came to match since the last look (at most {@link JOIN_LIMIT}),
   * in the caller's transaction with the campaign row locked; returns how many joined.
   */
  async join(tx: TransactionClient, campaign: Campaign): Promise<number> {
    const key = keyOf(campaign);
    const firmware = await this.firmware.get(campaign.organizationId, campaign.firmwareId);
    const visible = await this.repository.changesVisibleTo(tx);
    const from = campaign.joinCursor ?? campaign.actualStart ?? visible;
    const since = new Date(from.getTime() - JOIN_OVERLAP_MS);
    const stage = campaign.openStage ?? 0;
    const joined = await this.updates.join(
      {
        ...campaignRowTemplate(campaign, firmware),
        stage,
        candidates: this.targeting.changedSince(campaign.organizationId, targetSpecOf(campaign), firmware, since),
        limit: JOIN_LIMIT,
      },
      tx,
    );
    // Stopped by the limit, devices changed later than the last one read are still to come: look from there next time.
    const reached = joined.stoppedAt !== null && joined.stoppedAt < visible ? joined.stoppedAt : visible;
    const cursor = campaign.joinCursor !== null && campaign.joinCursor > reached ? campaign.joinCursor : reached;
    const newZones = joined.timeZones.filter((zone) => !campaign.deviceTimeZones.includes(zone));
    const updated = await this.repository.recordJoin(
      key,
      { stage, devices: joined.inserted, cursor, timeZones: newZones.length > 0 ? [...campaign.deviceTimeZones, ...newZones] : [] },
      tx,
    );
    if (joined.inserted > 0) {
      await this.repository.addDeltas([{ ...key, kind: 'update', stage, bucket: 'created', delta: joined.inserted }], tx);
      await this.lifecycle.record(tx, updated, {
        event: 'devices_joined',
        from: updated.status,
        to: updated.status,
        actor: SCHEDULER,
        reason: `${joined.inserted} device${joined.inserted === 1 ? '' : 's'} came to match the targets`,
        data: { devices: joined.inserted, stage },
      });
    }
    return joined.inserted;
  }
}
