import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../database/prisma.service';
import { type FirmwareUsage, FirmwareUsageCheck } from '../firmware/firmware-usage';
import { type ContributedFleetFigures, type FleetStatsContributor, StatsContributor } from '../stats/fleet-stats.contributor';
import { CampaignsRepository } from './campaigns.repository';

/** A firmware cannot be deleted while a campaign that is not finished deploys it. */
@Injectable()
@FirmwareUsageCheck()
export class CampaignsFirmwareUsage implements FirmwareUsage {
  constructor(private readonly repository: CampaignsRepository) {}

  async describeActiveUse(organizationId: string, firmwareId: string, tx: TransactionClient): Promise<string | null> {
    const count = await this.repository.countUnfinishedByFirmware(organizationId, firmwareId, tx);
    return count === 0 ? null : `${count} campaign${count === 1 ? '' : 's'} not finished`;
  }
}

/** The campaign figures of `GET /stats`. */
@Injectable()
@StatsContributor()
export class CampaignsFleetStats implements FleetStatsContributor {
  constructor(private readonly repository: CampaignsRepository) {}

  async contribute(organizationId: string): Promise<Partial<ContributedFleetFigures>> {
    const byStatus = await this.repository.countByStatus(organizationId);
    const count = (...statuses: string[]) => statuses.reduce((sum, status) => sum + (byStatus.get(status) ?? 0), 0);
    return {
      totalCampaigns: [...byStatus.values()].reduce((sum, value) => sum + value, 0),
      activeCampaigns: count('scheduled', 'in_progress', 'paused', 'rolling_back'),
      completedCampaigns: count('completed'),
      failedCampaigns: count('failed', 'rolled_back'),
    };
  }
}
