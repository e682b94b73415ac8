import type { FleetStatsResponseDto } from './dto/fleet-stats.dto';
import type { ContributedFleetFigures } from './fleet-stats.contributor';
import type { UpdateFigures } from './fleet-stats.repository';

export function toFleetStatsResponse(updates: UpdateFigures, campaigns: ContributedFleetFigures): FleetStatsResponseDto {
  return {
    total_campaigns: campaigns.totalCampaigns,
    active_campaigns: campaigns.activeCampaigns,
    completed_campaigns: campaigns.completedCampaigns,
    failed_campaigns: campaigns.failedCampaigns,
    total_updates: updates.totalUpdates,
    pending_updates: updates.pendingUpdates,
    in_progress_updates: updates.inProgressUpdates,
    completed_updates: updates.completedUpdates,
    failed_updates: updates.failedUpdates,
    success_rate: updates.successRate,
    avg_update_time: updates.avgUpdateMinutes,
    total_data_transferred: updates.totalDataTransferred,
    last_24h_updates: updates.last24hUpdates,
    last_24h_failures: updates.last24hFailures,
    last_24h_data_transferred: updates.last24hDataTransferred,
    updates_by_device_type: updates.updatesByDeviceType,
    updates_by_firmware_version: updates.updatesByFirmwareVersion,
  };
}
