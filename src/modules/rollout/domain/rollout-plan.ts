import type { DeploymentStrategy } from '../../campaigns/domain/campaign-state';
import {
  addCounts,
  type Breach,
  emptyCounts,
  failureCounting,
  isBreached,
  isDone,
  type Progress,
  progressOf,
  type TallyCounts,
} from '../../campaigns/domain/campaign-tallies';

/** A campaign as the rollout sees it at one tick. */
export interface RolloutCampaign {
  status: 'scheduled' | 'in_progress' | 'paused' | 'rolling_back';
  strategy: DeploymentStrategy;
  /** The highest open stage; null before the start. */
  openStage: number | null;
  /** Blue-green: when the switch happened. */
  activatedAt: Date | null;
  scheduledStart: Date | null;
  scheduledEnd: Date | null;
  batchSize: number;
  maxConcurrentUpdates: number;
  failureThresholdPercent: number;
  minFailureSample: number;
  rollbackTriggers: readonly string[];
  autoRollback: boolean;
  /** Devices that come to match join it; it ends at `scheduled_end` or on cancel, not when its rows are done. */
  continuous: boolean;
}

/** One stage: when it opened and finished, how long its gate waits after that, and its counts. */
export interface RolloutStage {
  stage: number;
  planned: number;
  openedAt: Date | null;
  finishedAt: Date | null;
  /** Time the gate to the next stage waits after this one finished (soak, canary observation). */
  gateMs: number;
  counts: TallyCounts;
}

export interface RolloutInput {
  now: Date;
  campaign: RolloutCampaign;
  /** The campaign's update rows by stage (empty before the start). */
  stages: readonly RolloutStage[];
  /** The campaign's rollback rows (all one stage). */
  rollback: TallyCounts;
}

/** What one tick does to one campaign, applied in this order. */
export interface RolloutPlan {
  /** A `scheduled` campaign whose start time came: resolve its targets and set it going. */
  start: boolean;
  /** Stages whose last row finished since the previous tick: record when. */
  finishedStages: number[];
  /** The threshold tripped: fail the campaign (and roll it back when `rollBack`). */
  fail: { breach: Breach; rollBack: boolean; cancelStaged: boolean } | null;
  /**
   * `scheduled_end` passed: rows never released are cancelled, due retries fail for good, and
   * before a blue-green switch the staged rows are cancelled too.
   */
  stopReleasing: boolean;
  /** Open this stage (the gate of the one before it opened). */
  openStage: number | null;
  /** Blue-green: switch every staged device to the new image now. */
  activate: boolean;
  /** Blue-green after the switch: devices that staged since get the switch too. */
  sweepActivation: boolean;
  /** Update rows to release from the open stages. */
  release: number;
  /** Failed rows whose automatic retry is due, to release again. */
  releaseRetries: number;
  /** Rollback rows to release. */
  releaseRollback: number;
  /** Every row finished: the campaign completes, for this reason. */
  complete: string | null;
  /** Every rollback row finished: the campaign is rolled back. */
  rolledBack: boolean;
}

function emptyPlan(): RolloutPlan {
  return {
    start: false,
    finishedStages: [],
    fail: null,
    stopReleasing: false,
    openStage: null,
    activate: false,
    sweepActivation: false,
    release: 0,
    releaseRetries: 0,
    releaseRollback: 0,
    complete: null,
    rolledBack: false,
  };
}

/**
 * Decides what one tick does to a campaign, from its settings, its counts and the time (see
 * rollout-semantics.md): thresholds first (a breach while paused still counts), then stage
 * gates, blue-green's switch, the batch to release within `batch_size` and
 * `max_concurrent_updates`, and completion. Pure: the engine applies the plan in one transaction.
 */
export function planTick(input: RolloutInput): RolloutPlan {
  const plan = emptyPlan();
  const { campaign, now } = input;
  if (campaign.status === 'scheduled') {
    plan.start = campaign.scheduledStart === null || now >= campaign.scheduledStart;
    return plan;
  }
  if (campaign.status === 'rolling_back') {
    const rollback = progressOf(input.rollback);
    if (isDone(rollback)) plan.rolledBack = true;
    else plan.releaseRollback = budget(campaign, rollback.inFlight);
    return plan;
  }

  const stages = input.stages.map((stage) => ({ ...stage, progress: progressOf(stage.counts) }));
  const total = progressOf(input.stages.reduce((sum, stage) => addCounts(sum, stage.counts), emptyCounts()));
  const open = campaign.openStage ?? 0;
  const blueGreen = campaign.strategy === 'blue_green';

  const breach = findBreach(campaign, stages, total, open);
  if (breach !== null) {
    const staging = blueGreen && campaign.activatedAt === null;
    // Blue-green before its switch activated nothing: the staged devices keep their image.
    plan.fail = { breach, rollBack: campaign.autoRollback && !staging, cancelStaged: staging };
    return plan;
  }
  for (const stage of stages) {
    if (stage.stage <= open && stage.finishedAt === null && isDone(stage.progress)) plan.finishedStages.push(stage.stage);
  }
  if (campaign.status === 'paused') return plan;

  if (campaign.scheduledEnd !== null && now >= campaign.scheduledEnd) {
    const staging = blueGreen && campaign.activatedAt === null;
    plan.stopReleasing = total.unreleased > 0 || total.retrying > 0 || total.awaitingConfirmation > 0 || (staging && total.awaiting > 0);
    // Rows with devices finish, and open health windows close; nothing else will (rows waiting
    // for consent are cancelled).
    const working = total.inFlight - total.retrying + (staging ? 0 : total.awaiting) + total.healthPending;
    if (working === 0) plan.complete = 'scheduled_end passed';
    return plan;
  }

  if (blueGreen) {
    planBlueGreen(plan, campaign, total);
    return plan;
  }

  let opened = open;
  const current = stages[open];
  if (current !== undefined && open < stages.length - 1) {
    const finishedAt = current.finishedAt ?? (isDone(current.progress) ? now : null);
    // An empty stage has nothing to watch: its gate does not wait.
    const gateMs = current.planned > 0 ? current.gateMs : 0;
    if (finishedAt !== null && now.getTime() >= finishedAt.getTime() + gateMs) {
      opened = open + 1;
      plan.openStage = opened;
    }
  }
  const unreleased = stages.filter((stage) => stage.stage <= opened).reduce((sum, stage) => sum + stage.progress.unreleased, 0);
  plan.release = Math.min(unreleased, budget(campaign, total.inFlight));
  plan.releaseRetries = Math.min(campaign.batchSize, total.retrying);
  if (opened >= stages.length - 1 && isDone(total) && !campaign.continuous) plan.complete = 'Every device finished';
  return plan;
}

/**
 * Whether a continuous campaign takes in devices that came to match at this tick: while running
 * or paused (joined rows wait for the resume), until `scheduled_end`.
 */
export function joinsNow(campaign: Pick<RolloutCampaign, 'status' | 'continuous' | 'scheduledEnd'>, now: Date): boolean {
  if (!campaign.continuous || (campaign.status !== 'in_progress' && campaign.status !== 'paused')) return false;
  return campaign.scheduledEnd === null || now < campaign.scheduledEnd;
}

/**
 * Phase 1 stages the image on every device (the update says `activation: deferred`); once the
 * staged share reaches `100 - failure_threshold_percent` of the campaign's devices, phase 2
 * switches them all together. Staged devices wait without counting against the concurrency cap.
 */
function planBlueGreen(plan: RolloutPlan, campaign: RolloutCampaign, total: Progress): void {
  if (campaign.activatedAt === null) {
    const devices = total.total - total.cancelled;
    plan.activate = total.awaiting > 0 && total.awaiting * 100 >= (100 - campaign.failureThresholdPercent) * devices;
    // Nothing staged and nothing left to stage (every row cancelled or failed under a threshold
    // that did not trip): there is nothing to switch.
    if (isDone(total) && !campaign.continuous) plan.complete = 'No device staged the image';
  } else {
    plan.sweepActivation = total.awaiting > 0;
    if (isDone(total) && !campaign.continuous) plan.complete = 'Every device finished';
  }
  plan.release = Math.min(total.unreleased, budget(campaign, total.inFlight));
  plan.releaseRetries = Math.min(campaign.batchSize, total.retrying);
}

/**
 * The campaign as a whole first, then each open stage. Before a blue-green switch a staged device
 * has done all it can do, so it counts as a success: phase 1's rate is the share that failed to stage.
 */
function findBreach(campaign: RolloutCampaign, stages: readonly (RolloutStage & { progress: Progress })[], total: Progress, open: number): Breach | null {
  const counting = failureCounting(campaign.rollbackTriggers);
  const staging = campaign.strategy === 'blue_green' && campaign.activatedAt === null;
  const judge = (measured: Progress, scope: Breach['scope'], stage: number | null): Breach | null => {
    const progress = staging ? { ...measured, completed: measured.completed + measured.awaiting } : measured;
    const verdict = isBreached(progress, counting, campaign.failureThresholdPercent, campaign.minFailureSample);
    if (!verdict.breached || verdict.rate === null) return null;
    return {
      scope,
      stage,
      failureRate: Math.round(verdict.rate * 10_000) / 100,
      thresholdPercent: campaign.failureThresholdPercent,
      finished: verdict.finished,
      failures: verdict.failures,
    };
  };
  const overall = judge(total, 'campaign', null);
  if (overall !== null) return overall;
  for (const stage of stages) {
    if (stage.stage > open) break;
    const breach = judge(stage.progress, 'stage', stage.stage);
    if (breach !== null) return breach;
  }
  return null;
}

/** Rows that may be released this tick: `batch_size`, and never past `max_concurrent_updates` in flight. */
function budget(campaign: RolloutCampaign, inFlight: number): number {
  return Math.max(0, Math.min(campaign.batchSize, campaign.maxConcurrentUpdates - inFlight));
}
