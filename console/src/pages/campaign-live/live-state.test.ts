import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/errors';
import { failureSignature, initialLiveState, liveReducer } from './live-state';
import { statsWith, transitionWith } from './test-fixtures';

const transition = transitionWith({});

describe('liveReducer', () => {
  it('keeps the latest counts and adds them to the chart history', () => {
    const once = liveReducer(initialLiveState, { type: 'event', event: { type: 'counts', stats: statsWith({ counts: { created: 3 } }) }, atMs: 5000 });
    const twice = liveReducer(once, { type: 'event', event: { type: 'counts', stats: statsWith({ counts: { completed: 3 } }) }, atMs: 6000 });
    expect(twice.stats?.counts).toEqual({ completed: 3 });
    expect(twice.history.times).toEqual([5, 6]);
    expect(twice.history.groups.completed).toEqual([0, 3]);
  });

  it('appends transitions in the order they come', () => {
    const state = liveReducer(liveReducer(initialLiveState, { type: 'event', event: { type: 'transition', entry: transition }, atMs: 0 }), {
      type: 'event', event: { type: 'transition', entry: { ...transition, event: 'paused' } }, atMs: 0,
    });
    expect(state.transitions.map((entry) => entry.event)).toEqual(['started', 'paused']);
  });

  it('tracks the connection and a refusal with the API reason', () => {
    expect(initialLiveState.connection).toBe('connecting');
    expect(liveReducer(initialLiveState, { type: 'connection', connected: true }).connection).toBe('live');
    expect(liveReducer(initialLiveState, { type: 'connection', connected: false }).connection).toBe('reconnecting');
    const refused = liveReducer(initialLiveState, { type: 'refused', status: 404, body: { detail: 'Campaign c1 not found', code: 'campaign/not_found' } }).refused;
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused?.detail).toBe('Campaign c1 not found');
  });
});

describe('failureSignature', () => {
  it('changes with the failures and the status, not with progress elsewhere', () => {
    const base = failureSignature(statsWith({ counts: { failed: 1, completed: 2 } }));
    expect(failureSignature(statsWith({ counts: { failed: 1, completed: 9, in_progress: 4 } }))).toBe(base);
    expect(failureSignature(statsWith({ counts: { failed: 2, completed: 2 } }))).not.toBe(base);
    expect(failureSignature(statsWith({ counts: { failed: 1, retrying: 1, completed: 2 } }))).not.toBe(base);
    expect(failureSignature(statsWith({ status: 'failed', counts: { failed: 1, completed: 2 } }))).not.toBe(base);
    expect(failureSignature(undefined)).toBe('');
  });
});
