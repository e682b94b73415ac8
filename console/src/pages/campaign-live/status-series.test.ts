import { describe, expect, it } from 'vitest';
import { appendCounts, emptyHistory, groupCounts, HISTORY_LIMIT, stackSeries } from './status-series';

describe('groupCounts', () => {
  it('puts every bucket of the stats in its group and totals them', () => {
    const grouped = groupCounts({
      created: 4, waiting_busy: 1,
      scheduled: 2, downloading: 1, awaiting_activation: 1, retrying: 1,
      completed: 5, health_pending: 2,
      failed: 1, timed_out: 2, health_check: 1,
      cancelled: 3, rolled_back: 1,
    });
    expect(grouped).toEqual({ pending: 5, in_progress: 5, completed: 7, failed: 4, cancelled: 4, total: 25 });
  });

  it('counts a bucket it does not know as in progress, so the total still adds up', () => {
    expect(groupCounts({ some_new_state: 3, completed: 1 })).toEqual({ pending: 0, in_progress: 3, completed: 1, failed: 0, cancelled: 0, total: 4 });
  });
});

describe('appendCounts', () => {
  it('adds one point per counts message, time in seconds, without changing the history it was given', () => {
    const first = appendCounts(emptyHistory(), { counts: { created: 10 } }, 1_000_000);
    const second = appendCounts(first, { counts: { created: 6, in_progress: 3, failed: 1 } }, 1_002_000);
    expect(first.times).toEqual([1000]);
    expect(second.times).toEqual([1000, 1002]);
    expect(second.groups.pending).toEqual([10, 6]);
    expect(second.groups.in_progress).toEqual([0, 3]);
    expect(second.groups.failed).toEqual([0, 1]);
  });

  it('keeps only the latest points', () => {
    let history = emptyHistory();
    for (let second = 0; second < 10; second++) history = appendCounts(history, { counts: { completed: second } }, second * 1000, 4);
    expect(history.times).toEqual([6, 7, 8, 9]);
    expect(history.groups.completed).toEqual([6, 7, 8, 9]);
    expect(history.groups.pending).toHaveLength(4);
  });

  it('bounds the history by default', () => {
    let history = emptyHistory();
    for (let n = 0; n < HISTORY_LIMIT + 5; n++) history = appendCounts(history, { counts: { created: 1 } }, n * 1000);
    expect(history.times).toHaveLength(HISTORY_LIMIT);
    expect(history.times[0]).toBe(5);
  });
});

describe('stackSeries', () => {
  it('gives each group the running sum of itself and the groups below it', () => {
    let history = emptyHistory();
    history = appendCounts(history, { counts: { completed: 1, failed: 2, cancelled: 0, in_progress: 3, created: 4 } }, 0);
    history = appendCounts(history, { counts: { completed: 5, failed: 1, cancelled: 1, in_progress: 2, created: 1 } }, 1000);
    // completed, failed, cancelled, in progress, pending: bottom to top
    expect(stackSeries(history)).toEqual([
      [1, 5],
      [3, 6],
      [3, 7],
      [6, 9],
      [10, 10],
    ]);
  });

  it('stacks nothing for an empty history', () => {
    expect(stackSeries(emptyHistory())).toEqual([[], [], [], [], []]);
  });
});
