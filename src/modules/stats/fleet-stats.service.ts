import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { FleetStatsResponseDto } from './dto/fleet-stats.dto';
import { type ContributedFleetFigures, type FleetStatsContributor, StatsContributor } from './fleet-stats.contributor';
import { toFleetStatsResponse } from './fleet-stats.mapper';
import { FleetStatsRepository } from './fleet-stats.repository';

const NO_CONTRIBUTIONS: ContributedFleetFigures = { totalCampaigns: 0, activeCampaigns: 0, completedCampaigns: 0, failedCampaigns: 0 };

/** The organization's fleet statistics: update figures from SQL aggregates plus what other modules contribute. */
@Injectable()
export class FleetStatsService implements OnModuleInit {
  private contributors: FleetStatsContributor[] = [];

  constructor(
    private readonly repository: FleetStatsRepository,
    private readonly discovery: DiscoveryService,
  ) {}

  onModuleInit(): void {
    this.contributors = this.discovery
      .getProviders({ metadataKey: StatsContributor.KEY })
      .map((wrapper) => wrapper.instance as FleetStatsContributor);
  }

  /** Every figure of `GET /stats` for one organization. */
  async get(organizationId: string): Promise<FleetStatsResponseDto> {
    const [updates, ...contributions] = await Promise.all([
      this.repository.figures(organizationId),
      ...this.contributors.map((contributor) => contributor.contribute(organizationId)),
    ]);
    const campaigns = { ...NO_CONTRIBUTIONS };
    for (const contribution of contributions) {
      for (const key of Object.keys(campaigns) as (keyof ContributedFleetFigures)[]) {
        campaigns[key] += contribution[key] ?? 0;
      }
    }
    return toFleetStatsResponse(updates, campaigns);
  }
}
