import type { CampaignStats } from '../../api/campaign-events';

/** Stages as people count them: the API's stage 0 is "Stage 1". */
export function stageLabel(stage: number): string {
  return `Stage ${stage + 1}`;
}

export interface StageFailure {
  stage: number;
  label: string;
  /** Percent; null before any update of the stage finished. */
  failureRate: number | null;
  thresholdPercent: number;
  /** The stage's rate reached the threshold (the service stops at `rate ≥ threshold`). */
  overThreshold: boolean;
  failed: number;
  completed: number;
  planned: number;
}

/** Each stage's failure rate against the campaign's threshold, from a counts message. */
export function stageFailures(stats: Pick<CampaignStats, 'stages' | 'failure_threshold_percent'>): StageFailure[] {
  const threshold = stats.failure_threshold_percent;
  return [...stats.stages]
    .sort((a, b) => a.stage - b.stage)
    .map((stage) => ({
      stage: stage.stage,
      label: stageLabel(stage.stage),
      failureRate: stage.failure_rate,
      thresholdPercent: threshold,
      overThreshold: stage.failure_rate !== null && stage.failure_rate >= threshold,
      failed: stage.failed,
      completed: stage.completed,
      planned: stage.planned,
    }));
}

/** "12.5%", or what a missing rate means. */
export function formatRate(rate: number | null): string {
  return rate === null ? 'none finished yet' : `${Math.round(rate * 100) / 100}%`;
}

/**
 * uPlot's aligned data for the bar chart: x = stage index, padded half a stage on each side so the
 * threshold line spans the whole plot. The bars' padding points are `undefined` (not null) because
 * uPlot's bar width comes from the spacing of the points whose value is not `undefined`.
 */
export function stageChartData(stages: StageFailure[]): [number[], (number | null | undefined)[], number[]] {
  const threshold = stages[0]?.thresholdPercent ?? 0;
  const xs = [-0.5, ...stages.map((_, index) => index), stages.length - 0.5];
  const bars = [undefined, ...stages.map((stage) => stage.failureRate), undefined];
  return [xs, bars, xs.map(() => threshold)];
}

/**
 * The top of the rate axis: room for twice the threshold or the highest rate, in steps of 10%,
 * at most 100%, so a 20% threshold and a 3% stage do not both hug the bottom of a 0–100 axis.
 */
export function rateAxisMax(stages: StageFailure[]): number {
  const highest = Math.max(10, ...stages.map((stage) => Math.max(stage.thresholdPercent * 2, (stage.failureRate ?? 0) * 1.2)));
  return Math.min(100, Math.ceil(highest / 10) * 10);
}
