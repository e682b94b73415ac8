import { describe, expect, it } from 'vitest';
import type { CampaignStats } from '../../api/campaign-events';
import { formatRate, rateAxisMax, stageChartData, stageFailures } from './stage-failures';

type Stage = CampaignStats['stages'][number];
const stage = (number: number, failureRate: number | null, failed = 0, completed = 0): Stage => ({
  stage: number, percentage: 0, planned: 10, released: 0, in_flight: 0, completed, failed, cancelled: 0, failure_rate: failureRate, opened_at: null, gate_opens_at: null,
});

describe('stageFailures', () => {
  it('judges each stage against the campaign threshold, in stage order, counting stages from 1', () => {
    const rows = stageFailures({ failure_threshold_percent: 20, stages: [stage(2, null), stage(0, 10, 1, 9), stage(1, 20, 2, 8)] });
    expect(rows.map((row) => [row.label, row.failureRate, row.thresholdPercent, row.overThreshold])).toEqual([
      ['Stage 1', 10, 20, false],
      ['Stage 2', 20, 20, true],
      ['Stage 3', null, 20, false],
    ]);
    expect(rows[1]).toMatchObject({ failed: 2, completed: 8, planned: 10 });
  });

  it('has no rows before the campaign started', () => {
    expect(stageFailures({ failure_threshold_percent: 20, stages: [] })).toEqual([]);
  });
});

describe('formatRate', () => {
  it('rounds to two decimals and says when nothing finished', () => {
    expect(formatRate(33.333333)).toBe('33.33%');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(null)).toBe('none finished yet');
  });
});

describe('stageChartData', () => {
  it('pads the x axis half a stage each side so the threshold line spans the plot, with no bar there', () => {
    const rows = stageFailures({ failure_threshold_percent: 25, stages: [stage(0, 10), stage(1, null)] });
    expect(stageChartData(rows)).toEqual([
      [-0.5, 0, 1, 1.5],
      [undefined, 10, null, undefined],
      [25, 25, 25, 25],
    ]);
  });
});

describe('rateAxisMax', () => {
  it('leaves room above the threshold and the highest rate, in steps of ten, up to 100%', () => {
    expect(rateAxisMax(stageFailures({ failure_threshold_percent: 20, stages: [stage(0, 3)] }))).toBe(40);
    expect(rateAxisMax(stageFailures({ failure_threshold_percent: 20, stages: [stage(0, 55)] }))).toBe(70);
    expect(rateAxisMax(stageFailures({ failure_threshold_percent: 60, stages: [stage(0, null)] }))).toBe(100);
    expect(rateAxisMax(stageFailures({ failure_threshold_percent: 2, stages: [stage(0, 0)] }))).toBe(10);
  });
});
