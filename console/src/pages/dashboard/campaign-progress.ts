import type { components } from '../../../../clients/typescript';

export type Campaign = components['schemas']['CampaignResponseDto'];
export type CampaignStatus = Campaign['status'];

/** The campaigns the dashboard follows: rolling out, or about to (an operator may need to act). */
export const ACTIVE_STATUSES: readonly CampaignStatus[] = ['in_progress', 'rolling_back', 'paused', 'scheduled', 'pending_approval'];

/** Devices done with the campaign, whichever way: completed, failed or cancelled. */
export function finishedDevices(campaign: Campaign): number {
  return campaign.completed_devices + campaign.failed_devices + campaign.cancelled_devices;
}

/** Finished devices as a percentage of the campaign's devices; 0 before the start. */
export function campaignProgress(campaign: Campaign): number {
  const total = campaign.total_devices ?? 0;
  return total > 0 ? Math.min(100, (finishedDevices(campaign) / total) * 100) : 0;
}

/** One list from the per-status answers: by status in {@link ACTIVE_STATUSES} order, newest first within one. */
export function activeCampaignsOf(pages: Campaign[][]): Campaign[] {
  const rank = (status: CampaignStatus) => ACTIVE_STATUSES.indexOf(status);
  const unique = new Map(pages.flat().map((campaign) => [campaign.campaign_id, campaign]));
  return [...unique.values()].sort((a, b) => rank(a.status) - rank(b.status) || b.created_at.localeCompare(a.created_at));
}
