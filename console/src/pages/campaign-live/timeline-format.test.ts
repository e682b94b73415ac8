import { describe, expect, it } from 'vitest';
import { formatDetails, humanize, timelineItem, timelineItems, type TimelineEntryData } from './timeline-format';

const entry = (over: Partial<TimelineEntryData>): TimelineEntryData => ({
  event: 'started', from_status: 'created', to_status: 'in_progress', actor: 'me', actor_kind: 'user', reason: null, data: null, at: '2026-03-01T10:00:00.000Z', ...over,
});

describe('timelineItem', () => {
  it('names the event, the status change, the time, the actor and the reason', () => {
    const item = timelineItem(entry({ event: 'paused', from_status: 'in_progress', to_status: 'paused', reason: 'night' }), 3);
    expect(item).toMatchObject({ title: 'Paused', statusChange: 'in_progress → paused', at: '2026-03-01T10:00:00.000Z', actor: 'me (user)', reason: 'night', details: [] });
    expect(item.atText).toBe(new Date('2026-03-01T10:00:00.000Z').toLocaleString());
  });

  it('shows no status change when the status stayed, and the first status of a new campaign', () => {
    expect(timelineItem(entry({ event: 'stage_opened', from_status: 'in_progress', to_status: 'in_progress' }), 0).statusChange).toBeNull();
    expect(timelineItem(entry({ event: 'created', from_status: null, to_status: 'created' }), 0).statusChange).toBe('created');
  });

  it('names the scheduler and API keys plainly', () => {
    expect(timelineItem(entry({ actor: 'scheduler', actor_kind: 'scheduler' }), 0).actor).toBe('scheduler');
    expect(timelineItem(entry({ actor: 'key-1', actor_kind: 'api_key' }), 0).actor).toBe('key-1 (api key)');
  });
});

describe('formatDetails', () => {
  it('writes the figures of a failure in words, rates in percent and stages from 1', () => {
    expect(formatDetails({ scope: 'stage', stage: 1, failure_rate: 50, threshold_percent: 20, finished: 10, failures: 5, extra: null })).toEqual([
      'scope: stage',
      'stage: Stage 2',
      'failure rate: 50%',
      'threshold percent: 20%',
      'finished: 10',
      'failures: 5',
    ]);
  });

  it('shows lists and objects as text, and nothing for no data', () => {
    expect(formatDetails({ fields: ['name', 'stages'], nested: { a: 1 } })).toEqual(['fields: name, stages', 'nested: {"a":1}']);
    expect(formatDetails(null)).toEqual([]);
  });
});

describe('timelineItems', () => {
  it('puts the newest entry first', () => {
    const items = timelineItems([entry({ event: 'created' }), entry({ event: 'started' }), entry({ event: 'completed' })]);
    expect(items.map((item) => item.title)).toEqual(['Completed', 'Started', 'Created']);
    expect(new Set(items.map((item) => item.key)).size).toBe(3);
  });

  it('humanizes event names', () => {
    expect(humanize('rolling_back')).toBe('Rolling back');
  });
});
