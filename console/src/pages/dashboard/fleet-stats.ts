import type { components } from '../../../../clients/typescript';
import { formatBytes, formatCount } from './format';

export type FleetStats = components['schemas']['FleetStatsResponseDto'];

export interface StatTile {
  label: string;
  value: string;
  /** A second line that puts the value in context. */
  detail?: string;
}

/** The fleet statistics as dashboard tiles, in the order an operator scans them. */
export function statTilesOf(stats: FleetStats): StatTile[] {
  return [
    {
      label: 'Active campaigns',
      value: formatCount(stats.active_campaigns),
      detail: `${formatCount(stats.total_campaigns)} in all: ${formatCount(stats.completed_campaigns)} completed, ${formatCount(stats.failed_campaigns)} failed`,
    },
    { label: 'Updates in progress', value: formatCount(stats.in_progress_updates), detail: `${formatCount(stats.pending_updates)} waiting for their device` },
    {
      label: 'Success rate',
      value: `${stats.success_rate.toFixed(1)} %`,
      detail: `${formatCount(stats.completed_updates)} completed, ${formatCount(stats.failed_updates)} failed of ${formatCount(stats.total_updates)} updates`,
    },
    { label: 'Average update time', value: formatMinutes(stats.avg_update_time), detail: 'start to completion' },
    { label: 'Updates in the last 24 h', value: formatCount(stats.last_24h_updates), detail: `${formatCount(stats.last_24h_failures)} failed` },
    { label: 'Data transferred', value: formatBytes(stats.total_data_transferred), detail: `${formatBytes(stats.last_24h_data_transferred)} in the last 24 h` },
  ];
}

/** A `{key: count}` breakdown of the statistics, largest first (ties by name). */
export function breakdownRows(breakdown: Record<string, number>): { key: string; count: number }[] {
  return Object.entries(breakdown)
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** A duration given in minutes: seconds below a minute (a simulated update takes a few). */
export function formatMinutes(minutes: number): string {
  return minutes < 1 ? `${Math.round(minutes * 60)} s` : `${minutes.toFixed(1)} min`;
}
