import { rampAllowance, rateProblems, ratePerMinute, type RolloutRate } from './rollout-rate';

const RATE: RolloutRate = { base_per_minute: 10, increment_factor: 2, increase_after_succeeded: 50, max_per_minute: 70 };

describe('ratePerMinute', () => {
  it.each([
    [0, 10],
    [49, 10],
    [50, 20],
    [99, 20],
    [100, 40],
    [150, 70],
    [1_000_000, 70],
  ])('after %i completed: %i a minute', (completed, expected) => {
    expect(ratePerMinute(RATE, completed)).toBe(expected);
  });

  it('handles fractional factors and never exceeds the maximum even when the power overflows', () => {
    expect(ratePerMinute({ ...RATE, increment_factor: 1.5 }, 50)).toBe(15);
    expect(ratePerMinute({ ...RATE, increase_after_succeeded: 1, max_per_minute: 1e6 }, 1e9)).toBe(1e6);
  });
});

describe('rampAllowance', () => {
  it('allows whole releases and carries the fraction', () => {
    expect(rampAllowance(10, 2 / 60, 0)).toEqual({ allowed: 0, credit: expect.closeTo(1 / 3, 9) });
    const second = rampAllowance(10, 2 / 60, 1 / 3);
    expect(second.allowed).toBe(0);
    const third = rampAllowance(10, 2 / 60, second.credit);
    expect(third.allowed).toBe(1);
    expect(third.credit).toBeCloseTo(0, 9);
  });

  it('does not save up whole releases, and ignores a clock that went back', () => {
    expect(rampAllowance(100, 10, 0.5)).toEqual({ allowed: 1000, credit: 0.5 });
    expect(rampAllowance(100, -1, 0.25)).toEqual({ allowed: 0, credit: 0.25 });
  });
});

describe('rateProblems', () => {
  it('refuses a maximum under the base, naming the field', () => {
    expect(rateProblems(null)).toEqual([]);
    expect(rateProblems(RATE)).toEqual([]);
    expect(rateProblems({ ...RATE, max_per_minute: 5 }).map((error) => error.loc.join('.'))).toEqual(['body.rollout_rate.max_per_minute']);
  });
});
