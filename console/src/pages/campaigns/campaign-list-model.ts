import type { paths } from '../../../../clients/typescript';
import {
  type Campaign,
  CAMPAIGN_STATUSES,
  type CampaignStatus,
  type DeploymentStrategy,
  type Priority,
  PRIORITIES,
  STRATEGIES,
} from './campaign-vocabulary';

export const PAGE_SIZE = 25;

/** The list's filters, kept in the address (`/campaigns?status=in_progress`) so links and Back keep them. */
export interface ListFilters {
  status?: CampaignStatus;
  priority?: Priority;
  deployment_strategy?: DeploymentStrategy;
  firmware_id?: string;
  offset: number;
}

export type FilterKey = Exclude<keyof ListFilters, 'offset'>;

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((candidate) => candidate === value);
}

/** The filters in the address; values the API would refuse (a hand-edited link) are dropped. */
export function listFiltersOf(params: URLSearchParams): ListFilters {
  const firmware = params.get('firmware_id');
  const offset = Number(params.get('offset'));
  return {
    status: oneOf(CAMPAIGN_STATUSES, params.get('status')),
    priority: oneOf(PRIORITIES, params.get('priority')),
    deployment_strategy: oneOf(STRATEGIES, params.get('deployment_strategy')),
    firmware_id: firmware !== null && /^[0-9a-f]{32}$/.test(firmware) ? firmware : undefined,
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

/** The address's query after changing one filter: back to the first page, blanks left out. */
export function withFilter(params: URLSearchParams, key: FilterKey, value: string): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value === '') next.delete(key);
  else next.set(key, value);
  next.delete('offset');
  return next;
}

export function withOffset(params: URLSearchParams, offset: number): URLSearchParams {
  const next = new URLSearchParams(params);
  if (offset > 0) next.set('offset', String(offset));
  else next.delete('offset');
  return next;
}

export type ListQuery = NonNullable<paths['/api/v1/campaigns']['get']['parameters']['query']>;

/** The query of `GET /campaigns` for the filters (the client leaves out those not set). */
export function listQueryOf(filters: ListFilters): ListQuery {
  return { limit: PAGE_SIZE, ...filters };
}

/**
 * How far a campaign is, from the counts its list row carries (no call per row): devices that
 * finished in any way against the devices it holds. Before the start it holds none yet (0%); a
 * started campaign with no device has nothing left to do (100%), as the stats endpoint says.
 */
export function progressOf(campaign: Pick<Campaign, 'total_devices' | 'completed_devices' | 'failed_devices' | 'cancelled_devices'>): {
  finished: number;
  total: number;
  percent: number;
} {
  const total = campaign.total_devices ?? 0;
  const finished = Math.min(total, campaign.completed_devices + campaign.failed_devices + campaign.cancelled_devices);
  if (campaign.total_devices === null) return { finished: 0, total: 0, percent: 0 };
  return { finished, total, percent: total === 0 ? 100 : Math.round((finished / total) * 1000) / 10 };
}

/** Campaigns whose counts move on their own: the list refreshes while one is on the page. */
export function isMoving(status: CampaignStatus): boolean {
  return status === 'in_progress' || status === 'rolling_back' || status === 'scheduled';
}

/** "26–50 of 120" for the page shown. */
export function pageSummary(offset: number, count: number, total: number): string {
  if (count === 0) return `0 of ${total}`;
  return `${offset + 1}–${offset + count} of ${total}`;
}
