import type { CampaignEvent, CampaignStats, TimelineEntry } from '../../api/campaign-events';
import { apiErrorOf, type ApiError } from '../../api/errors';
import { appendCounts, emptyHistory, type StatusHistory } from './status-series';

export type Connection = 'connecting' | 'live' | 'reconnecting';

/** What the page knows from the campaign's event stream. */
export interface LiveState {
  stats: CampaignStats | undefined;
  history: StatusHistory;
  /** Every transition so far, oldest first (the stream starts with the whole timeline). */
  transitions: TimelineEntry[];
  connection: Connection;
  /** The stream was refused for good (401, 403, 404), with the API's reason. */
  refused: ApiError | undefined;
}

export type LiveAction =
  | { type: 'event'; event: CampaignEvent; atMs: number }
  | { type: 'connection'; connected: boolean }
  | { type: 'refused'; status: number; body: unknown };

export const initialLiveState: LiveState = { stats: undefined, history: emptyHistory(), transitions: [], connection: 'connecting', refused: undefined };

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case 'event':
      if (action.event.type === 'counts') {
        return { ...state, stats: action.event.stats, history: appendCounts(state.history, action.event.stats, action.atMs) };
      }
      return { ...state, transitions: [...state.transitions, action.event.entry] };
    case 'connection':
      return { ...state, connection: action.connected ? 'live' : 'reconnecting' };
    case 'refused':
      return { ...state, refused: apiErrorOf(action.status, action.body) };
  }
}

/**
 * What the failing-devices table depends on: it is read again when one of these changes (a
 * device failed, was retried, or the campaign moved), not on every counts message.
 */
export function failureSignature(stats: CampaignStats | undefined): string {
  if (stats === undefined) return '';
  const { failed = 0, retrying = 0, timed_out = 0, health_check = 0 } = stats.counts;
  return [stats.status, failed, retrying, timed_out, health_check].join('/');
}
