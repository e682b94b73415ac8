import type { DeploymentStrategy } from './campaign-state';

/** The settings that shape a campaign's stages. */
export interface StageSettings {
  strategy: DeploymentStrategy;
  /** Cumulative percentages of a `staged` campaign, strictly increasing, ending at 100. */
  stages: readonly number[];
  canaryPercentage: number;
  stageSoakMinutes: number;
  canaryDurationMinutes: number;
}

export const DEFAULT_STAGES = [10, 50, 100] as const;

/** The cumulative share of the campaign's devices each stage reaches, in percent. */
export function stagePercentages(settings: Pick<StageSettings, 'strategy' | 'stages' | 'canaryPercentage'>): number[] {
  switch (settings.strategy) {
    case 'staged':
      return [...settings.stages];
    case 'canary':
      return [settings.canaryPercentage, 100];
    default:
      return [100];
  }
}

/** A canary is at least one device, whatever its percentage of a small fleet. */
export function firstStageAtLeastOne(strategy: DeploymentStrategy): boolean {
  return strategy === 'canary';
}

/**
 * Percentages in hundredths of a percent, the unit stage limits are computed in: integers, so
 * TypeScript and SQL (`StageLimitSql` in the updates module) compute the same limits exactly.
 */
export function percentHundredths(percentages: readonly number[]): number[] {
  return percentages.map((percentage) => Math.round(percentage * 100));
}

/**
 * How many of `total` devices each stage holds: stage k reaches ceil(total × p_k / 100) devices
 * in the campaign's hash order (at least one for a canary's first stage), minus what the
 * stages before it reach.
 */
export function stageSizes(percentages: readonly number[], total: number, atLeastOneFirst: boolean): number[] {
  const sizes: number[] = [];
  let before = 0;
  percentHundredths(percentages).forEach((hundredths, index) => {
    let reach = Math.min(total, Math.floor((total * hundredths + 9_999) / 10_000));
    if (index === 0 && atLeastOneFirst && total > 0) reach = Math.max(1, reach);
    reach = Math.max(reach, before);
    sizes.push(reach - before);
    before = reach;
  });
  return sizes;
}

/** Minutes a stage's gate waits after the stage finished: the canary's observation, or the soak. */
export function gateMinutes(settings: Pick<StageSettings, 'strategy' | 'stageSoakMinutes' | 'canaryDurationMinutes'>, stage: number): number {
  if (settings.strategy === 'canary') return stage === 0 ? settings.canaryDurationMinutes : 0;
  return settings.strategy === 'staged' ? settings.stageSoakMinutes : 0;
}
