import { estimateDurationSeconds, type EstimateInput } from './plan-estimate';

function input(overrides: Partial<EstimateInput> = {}): EstimateInput {
  return {
    stageSizes: [100],
    gateSeconds: [0],
    batchSize: 10,
    maxConcurrentUpdates: 1_000,
    tickSeconds: 2,
    updateSeconds: 60,
    ratePerMinute: null,
    blueGreen: false,
    ...overrides,
  };
}

describe('estimateDurationSeconds', () => {
  it('releases at batch_size per tick when the cap allows, then waits one update time', () => {
    // 100 devices at 10 per 2 s: 20 s of releases, the last finishing 60 s later.
    expect(estimateDurationSeconds(input())).toBe(80);
  });

  it('is held to max_concurrent_updates over the update time', () => {
    // 5 in flight, 60 s each: 5 per minute.
    expect(estimateDurationSeconds(input({ maxConcurrentUpdates: 5 }))).toBe(100 * 12 + 60);
  });

  it('adds each stage gate but the last, and none for an empty stage', () => {
    const staged = input({ stageSizes: [10, 40, 50], gateSeconds: [600, 600, 600] });
    expect(estimateDurationSeconds(staged)).toBe(2 + 60 + 600 + 8 + 60 + 600 + 10 + 60);
    expect(estimateDurationSeconds(input({ stageSizes: [0, 100], gateSeconds: [600, 0] }))).toBe(80);
  });

  it('follows a ramp as devices complete, and is 0 without devices', () => {
    const ramp = (completed: number) => (completed < 1_000 ? 60 : 600);
    // 1 000 at 1/s, then 1 000 at the cap of 5/s.
    expect(estimateDurationSeconds(input({ stageSizes: [2_000], ratePerMinute: ramp }))).toBe(1_000 + 200 + 60);
    expect(estimateDurationSeconds(input({ stageSizes: [0] }))).toBe(0);
  });

  it('adds the switch for blue-green', () => {
    expect(estimateDurationSeconds(input({ blueGreen: true }))).toBe(140);
  });
});
