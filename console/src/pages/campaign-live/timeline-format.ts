import type { components } from '../../../../clients/typescript';
import { stageLabel } from './stage-failures';

export type TimelineEntryData = components['schemas']['CampaignTimelineEntryDto'];

export interface TimelineItem {
  /** Stable among the entries (their position in the campaign's history). */
  key: string;
  /** "Stage opened" for `stage_opened`. */
  title: string;
  /** "in_progress → paused"; null when the status stayed (a stage opening). */
  statusChange: string | null;
  /** ISO time, for `<time dateTime>`. */
  at: string;
  atText: string;
  /** "me (user)", "scheduler". */
  actor: string;
  reason: string | null;
  /** The figures of `data`, one readable line each ("failure rate: 50%"). */
  details: string[];
}

export function humanize(name: string): string {
  const words = name.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** One line per figure of an entry's `data`; rates and thresholds in percent, stages counted from 1. */
export function formatDetails(data: Record<string, unknown> | null): string[] {
  if (data === null) return [];
  return Object.entries(data)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => {
      const label = humanize(key).toLowerCase();
      if (key === 'stage' && typeof value === 'number') return `stage: ${stageLabel(value)}`;
      if (typeof value === 'number' && /(_rate|_percent)$/.test(key)) return `${label}: ${value}%`;
      if (Array.isArray(value)) return `${label}: ${value.map(String).join(', ')}`;
      return `${label}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`;
    });
}

export function timelineItem(entry: TimelineEntryData, index: number): TimelineItem {
  const actor = entry.actor_kind === 'scheduler' || entry.actor === entry.actor_kind ? entry.actor : `${entry.actor} (${entry.actor_kind.replace('_', ' ')})`;
  return {
    key: `${index}:${entry.at}:${entry.event}`,
    title: humanize(entry.event),
    statusChange: entry.from_status !== null && entry.from_status !== entry.to_status ? `${entry.from_status} → ${entry.to_status}` : entry.from_status === null ? entry.to_status : null,
    at: entry.at,
    atText: new Date(entry.at).toLocaleString(),
    actor,
    reason: entry.reason,
    details: formatDetails(entry.data),
  };
}

/** The entries as shown: newest first, so a live campaign's latest move is on top. */
export function timelineItems(entries: readonly TimelineEntryData[]): TimelineItem[] {
  return entries.map(timelineItem).reverse();
}
