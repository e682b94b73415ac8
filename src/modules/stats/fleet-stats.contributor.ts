import { DiscoveryService } from '@nestjs/core';

/** The fleet figures another module owns and adds to `GET /stats` (today: the campaign counts). */
export interface ContributedFleetFigures {
  totalCampaigns: number;
  activeCampaigns: number;
  completedCampaigns: number;
  failedCampaigns: number;
}

/**
 * A module whose rows feed the fleet statistics without this module reading its tables: the
 * campaigns module provides one, decorated with {@link StatsContributor}. Figures from every
 * contributor are added up; a figure nobody contributes is 0, because then no such rows exist.
 */
export interface FleetStatsContributor {
  /** This organization's figures; read-only, and cheap (indexed aggregates). */
  contribute(organizationId: string): Promise<Partial<ContributedFleetFigures>>;
}

export const StatsContributor = DiscoveryService.createDecorator<void>();
