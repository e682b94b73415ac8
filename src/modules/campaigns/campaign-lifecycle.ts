import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal';
import { Clock } from '../../common/time/clock';
import type { TransactionClient } from '../../database/prisma.service';
import type { Campaign, Prisma } from '../../generated/prisma/client';
import { OutboxService } from '../events/outbox.service';
import type { FirmwareResponseDto } from '../firmware/dto/firmware.dto';
import { FirmwareService } from '../firmware/firmware.service';
import { TargetSelectionService } from '../targeting/target-selection.service';
import { WebhooksService } from '../webhooks/webhooks.service';
import type { TargetSpec } from '../targeting/target-spec';
import { type CampaignRowsSpec, CampaignUpdatesService, type StageCount } from '../updates/campaign-updates.service';
import { type CampaignKey, CampaignsRepository } from './campaigns.repository';
import type { CampaignStatus, DeploymentStrategy } from './domain/campaign-state';
import type { Breach } from './domain/campaign-tallies';
import { usesDeviceZone, windowsOf } from './domain/maintenance-windows';
import { firstStageAtLeastOne, percentHundredths, stagePercentages } from './domain/stage-plan';

/** Who made a transition: a caller of the API, or the rollout itself. */
export interface Actor {
  id: string;
  kind: 'user' | 'api_key' | 'service' | 'scheduler';
}

export const SCHEDULER: Actor = { id: 'scheduler', kind: 'scheduler' };

export function actorOf(principal: Principal): Actor {
  return { id: principal.id, kind: principal.kind === 'device' ? 'service' : principal.kind };
}

/** One transition: the new status (or the same, for a stage opening), and what it records. */
interface Transition {
  event: string;
  to: CampaignStatus;
  actor: Actor;
  reason?: string | null;
  data?: Record<string, unknown> | null;
  fields?: Prisma.CampaignUncheckedUpdateInput;
}

/**
 * Every change of a campaign's state, in the caller's transaction with the campaign row locked:
 * the operator's actions and the rollout's decisions both come here, so each transition writes
 * its timeline row and its `campaign.<event>` outbox event the same way, once.
 */
@Injectable()
export class CampaignLifecycle {
  constructor(
    private readonly repository: CampaignsRepository,
    private readonly outbox: OutboxService,
    private readonly updates: CampaignUpdatesService,
    private readonly targeting: TargetSelectionService,
    private readonly firmware: FirmwareService,
    private readonly clock: Clock,
    private readonly webhooks: WebhooksService,
  ) {}

  /** Moves the campaign to `to`, with a timeline row and an outbox event. */
  async transition(tx: TransactionClient, campaign: Campaign, change: Transition): Promise<Campaign> {
    const updated =
      change.to !== campaign.status || change.fields !== undefined
        ? await this.repository.update(campaign.organizationId, campaign.campaignId, { ...change.fields, status: change.to }, tx)
        : campaign;
    await this.record(tx, updated, { ...change, from: campaign.status });
    return updated;
  }

  /**
   * Resolves the campaign's targets (one INSERT … SELECT of a `created` row per selected device,
   * each in its stage) and sets it going with its first stage open. No device: it completes at
   * once, saying why.
   */
  async begin(tx: TransactionClient, campaign: Campaign, actor: Actor): Promise<Campaign> {
    const key = keyOf(campaign);
    const firmware = await this.firmware.get(campaign.organizationId, campaign.firmwareId);
    const strategy = campaign.deploymentStrategy as DeploymentStrategy;
    const selection = await this.targeting.campaignSelection(campaign.organizationId, targetSpecOf(campaign), firmware);
    const percentages = stagePercentages({ strategy, stages: campaign.stages, canaryPercentage: campaign.canaryPercentage });
    // Read before the resolution's snapshot: a continuous campaign's joins take over from there.
    const joinCursor = campaign.continuous ? await this.repository.changesVisibleTo(tx) : null;
    const created = await this.updates.createRows(
      {
        ...campaignRowTemplate(campaign, firmware),
        selection: selection.query,
        stageHundredths: percentHundredths(percentages),
        firstStageAtLeastOne: firstStageAtLeastOne(strategy),
      },
      tx,
    );
    // Windows judged in device zones are evaluated per distinct zone: the rollout reads them here.
    const deviceTimeZones = usesDeviceZone(windowsOf(campaign)) ? await this.updates.timeZones(tx, key) : [];
    const planned = new Map(created.map((row) => [row.stage, row.count]));
    await this.repository.createStages(key, percentages.map((percentage, stage) => ({ stage, percentage, planned: planned.get(stage) ?? 0 })), tx);
    await this.recordCounts(tx, key, 'update', created, 1);
    const now = this.clock.now();
    await this.repository.updateStage(key, 0, { openedAt: now }, tx);
    const total = created.reduce((sum, row) => sum + row.count, 0);
    const { counts } = selection;
    let started = await this.transition(tx, campaign, {
      event: 'started',
      to: 'in_progress',
      actor,
      reason: `${total} device${total === 1 ? '' : 's'} to update`,
      data: { devices: total, matched: counts.matched, compatible: counts.compatible, already_on_target_version: counts.alreadyOnTargetVersion },
      fields: { openStage: 0, actualStart: campaign.actualStart ?? now, totalDevices: total, targetDeviceCount: total, alreadyOnTargetVersion: counts.alreadyOnTargetVersion, joinCursor, deviceTimeZones },
    });
    if (strategy === 'staged' || strategy === 'canary') await this.record(tx, started, { event: 'stage_opened', from: started.status, to: started.status, actor, data: { stage: 0, devices: planned.get(0) ?? 0 } });
    if (total === 0 && !campaign.continuous) {
      started = await this.complete(
        tx,
        started,
        `No device to update: ${counts.matched} matched the targets, ${counts.compatible} of them compatible, ${counts.alreadyOnTargetVersion} already on ${firmware.version}`,
      );
    }
    return started;
  }

  /** Opens `stage` (the rollout's gate, or an operator's `advance`). */
  async openStage(tx: TransactionClient, campaign: Campaign, stage: number, actor: Actor, reason: string | null): Promise<Campaign> {
    const key = keyOf(campaign);
    await this.repository.updateStage(key, stage, { openedAt: this.clock.now() }, tx);
    const planned = (await this.repository.stages(key, tx)).find((row) => row.stage === stage)?.planned ?? 0;
    return this.transition(tx, campaign, { event: 'stage_opened', to: campaign.status as CampaignStatus, actor, reason, data: { stage, devices: planned }, fields: { openStage: stage } });
  }

  /** Blue-green's switch: every staged device is told to activate the new image (see `CampaignUpdatesService.activate`). */
  async activate(tx: TransactionClient, campaign: Campaign, actor: Actor, reason: string): Promise<Campaign> {
    return this.transition(tx, campaign, { event: 'activated', to: campaign.status as CampaignStatus, actor, reason, fields: { activatedAt: this.clock.now() } });
  }

  /**
   * The threshold tripped: nothing more is released (unreleased rows and rows waiting for the
   * device's consent cancelled, due retries dropped), the campaign fails, and with `rollBack` every device it completed goes back. Before
   * a blue-green switch (`cancelStaged`) the staged and staging updates are cancelled instead: no
   * device activated anything.
   */
  async fail(tx: TransactionClient, campaign: Campaign, breach: Breach, options: { rollBack: boolean; cancelStaged: boolean }): Promise<Campaign> {
    const key = keyOf(campaign);
    const where = breach.scope === 'stage' ? ` in stage ${breach.stage}` : '';
    const reason = `Failure rate ${breach.failureRate}% reached the threshold of ${breach.thresholdPercent}% (${breach.failures} of ${breach.finished} finished updates${where})`;
    await this.recordCounts(tx, key, 'update', await this.updates.cancelUnreleased(tx, key, 'update'), -1);
    await this.updates.dropRetries(tx, key);
    await this.updates.cancelReleased(tx, key, `Campaign ${campaign.campaignId} failed: ${reason}`, 'awaiting_confirmation');
    if (options.cancelStaged) await this.updates.cancelReleased(tx, key, `Campaign ${campaign.campaignId} failed before its switch: ${reason}`);
    const failed = await this.transition(tx, campaign, {
      event: 'failed',
      to: 'failed',
      actor: SCHEDULER,
      reason,
      data: { scope: breach.scope, stage: breach.stage, failure_rate: breach.failureRate, threshold_percent: breach.thresholdPercent, finished: breach.finished, failures: breach.failures },
      fields: { actualEnd: this.clock.now() },
    });
    return options.rollBack ? this.rollBack(tx, failed, SCHEDULER, `Automatic rollback: ${reason}`) : failed;
  }

  /**
   * Rolls the campaign back: what it has not released, and released updates a device can still
   * drop, are cancelled (devices told); every device it completed gets a rollback update to its
   * own previous version, released by the rollout like any batch (`rolling_back`, then
   * `rolled_back`). A device already installing finishes first: its rollback waits for it, and
   * is dropped if that update fails. Nothing to roll back: `rolled_back` at once.
   */
  async rollBack(tx: TransactionClient, campaign: Campaign, actor: Actor, reason: string): Promise<Campaign> {
    const key = keyOf(campaign);
    await this.recordCounts(tx, key, 'update', await this.updates.cancelUnreleased(tx, key, 'update'), -1);
    await this.updates.cancelReleased(tx, key, `Campaign ${campaign.campaignId} is rolled back`, 'interruptible');
    await this.updates.dropRetries(tx, key);
    const created = await this.updates.createRollbacks(tx, {
      ...key,
      deviceModel: campaign.deviceModel,
      firmwareId: campaign.firmwareId,
      priority: campaign.priority === 'low' || campaign.priority === 'normal' ? 'high' : campaign.priority,
      timeoutMinutes: campaign.timeoutMinutes,
      createdBy: actor.id,
    });
    await this.recordCounts(tx, key, 'rollback', created, 1);
    const devices = created.find((row) => row.bucket === 'created')?.count ?? 0;
    // A device whose old image is gone gets a failed rollback row (`rollback/firmware_missing`).
    const missing = created.find((row) => row.bucket === 'failed')?.count ?? 0;
    const data = { devices, firmware_missing: missing };
    if (devices > 0) return this.transition(tx, campaign, { event: 'rolling_back', to: 'rolling_back', actor, reason, data });
    const why = missing > 0 ? `${reason}; ${missing} completed device(s) have no older image to go back to` : `${reason}; no device had completed`;
    return this.transition(tx, campaign, { event: 'rolled_back', to: 'rolled_back', actor, reason: why, data, fields: { actualEnd: this.clock.now() } });
  }

  /** Stops the campaign: nothing more is released, every unfinished row is cancelled and its device told. */
  async cancel(tx: TransactionClient, campaign: Campaign, actor: Actor, reason: string | null): Promise<Campaign> {
    const key = keyOf(campaign);
    for (const kind of ['update', 'rollback'] as const) await this.recordCounts(tx, key, kind, await this.updates.cancelUnreleased(tx, key, kind), -1);
    await this.updates.cancelReleased(tx, key, reason ?? `Campaign ${campaign.campaignId} was cancelled`);
    await this.updates.dropRetries(tx, key);
    return this.transition(tx, campaign, { event: 'cancelled', to: 'cancelled', actor, reason, fields: { actualEnd: this.clock.now() } });
  }

  /**
   * `scheduled_end` passed: rows never released are cancelled, and so are rows still waiting for
   * their device's consent, and due retries dropped; before a blue-green switch the staging
   * updates are cancelled too (nothing will switch them).
   */
  async stopReleasing(tx: TransactionClient, campaign: Campaign, cancelStaged: boolean): Promise<void> {
    const key = keyOf(campaign);
    await this.recordCounts(tx, key, 'update', await this.updates.cancelUnreleased(tx, key, 'update'), -1);
    await this.updates.cancelReleased(tx, key, `Campaign ${campaign.campaignId} reached its scheduled_end before the device consented`, 'awaiting_confirmation');
    await this.updates.dropRetries(tx, key);
    if (cancelStaged) await this.updates.cancelReleased(tx, key, `Campaign ${campaign.campaignId} reached its scheduled_end before its switch`);
  }

  async complete(tx: TransactionClient, campaign: Campaign, reason: string): Promise<Campaign> {
    return this.transition(tx, campaign, { event: 'completed', to: 'completed', actor: SCHEDULER, reason, fields: { actualEnd: this.clock.now() } });
  }

  async finishRollback(tx: TransactionClient, campaign: Campaign): Promise<Campaign> {
    return this.transition(tx, campaign, { event: 'rolled_back', to: 'rolled_back', actor: SCHEDULER, reason: 'Every rollback update finished', fields: { actualEnd: this.clock.now() } });
  }

  /**
   * A timeline row and the matching `campaign.<event>` outbox event, with what notification
   * services need; a notified event also gets a delivery per `webhook:` channel.
   */
  async record(tx: TransactionClient, campaign: Campaign, entry: Omit<Transition, 'to' | 'fields'> & { from: string | null; to: string }): Promise<void> {
    await this.repository.addEvent(
      {
        ...keyOf(campaign),
        event: entry.event,
        fromStatus: entry.from,
        toStatus: entry.to,
        actor: entry.actor.id,
        actorKind: entry.actor.kind,
        reason: entry.reason?.slice(0, 2000) ?? null,
        data: entry.data ?? null,
      },
      tx,
    );
    const envelope = await this.outbox.record(tx, {
      type: `campaign.${entry.event}`,
      organizationId: campaign.organizationId,
      data: {
        organization_id: campaign.organizationId,
        campaign_id: campaign.campaignId,
        name: campaign.name,
        firmware_id: campaign.firmwareId,
        deployment_strategy: campaign.deploymentStrategy,
        priority: campaign.priority,
        status: entry.to,
        previous_status: entry.from,
        actor: entry.actor.id,
        actor_kind: entry.actor.kind,
        reason: entry.reason ?? null,
        ...(entry.data ?? {}),
        notify_on_start: campaign.notifyOnStart,
        notify_on_complete: campaign.notifyOnComplete,
        notify_on_failure: campaign.notifyOnFailure,
        notification_channels: campaign.notificationChannels,
      },
    });
    if (isNotified(campaign, entry.event)) {
      await this.webhooks.enqueue(tx, { organizationId: campaign.organizationId, campaignId: campaign.campaignId, channels: campaign.notificationChannels, envelope });
    }
  }

  /** Counts of rows a bulk statement created (`sign` 1) or moved out of their bucket into `cancelled` (`sign` -1). */
  private async recordCounts(tx: TransactionClient, key: CampaignKey, kind: string, rows: StageCount[], sign: 1 | -1): Promise<void> {
    const deltas = rows.flatMap((row) =>
      sign === 1
        ? [{ ...key, kind, stage: row.stage, bucket: row.bucket, delta: row.count }]
        : [
            { ...key, kind, stage: row.stage, bucket: row.bucket, delta: -row.count },
            { ...key, kind, stage: row.stage, bucket: 'cancelled', delta: row.count },
          ],
    );
    await this.repository.addDeltas(deltas, tx);
  }
}

/** Whether the campaign's notify flags cover this transition: its start, its completion, or a failure or rollback. */
function isNotified(campaign: Pick<Campaign, 'notifyOnStart' | 'notifyOnComplete' | 'notifyOnFailure'>, event: string): boolean {
  if (event === 'started') return campaign.notifyOnStart;
  if (event === 'completed') return campaign.notifyOnComplete;
  if (event === 'failed' || event === 'rolled_back') return campaign.notifyOnFailure;
  return false;
}

type CampaignRowTemplate = Omit<CampaignRowsSpec, 'selection' | 'stageHundredths' | 'firstStageAtLeastOne'>;

/** What every update row a campaign creates shares (at its start or when a device joins): its firmware and settings. */
export function campaignRowTemplate(campaign: Campaign, firmware: FirmwareResponseDto): CampaignRowTemplate {
  return {
    ...keyOf(campaign),
    kind: 'update',
    firmwareId: firmware.firmware_id,
    toVersion: firmware.version,
    downloadSize: BigInt(firmware.file_size),
    priority: campaign.priority,
    maxRetries: campaign.maxRetries,
    timeoutMinutes: campaign.timeoutMinutes,
    createdBy: campaign.createdBy,
    activation: campaign.deploymentStrategy === 'blue_green' ? 'deferred' : 'immediate',
    defaultTimeZone: campaign.defaultTimeZone,
  };
}

export function keyOf(campaign: Pick<Campaign, 'organizationId' | 'campaignId'>): CampaignKey {
  return { organizationId: campaign.organizationId, campaignId: campaign.campaignId };
}

/** The campaign's targets as the targeting module takes them, sampled with the campaign's own id. */
export function targetSpecOf(campaign: Pick<Campaign, 'campaignId' | 'targetDevices' | 'targetGroups' | 'rolloutPercentage'> & { targetFilters: unknown }): TargetSpec {
  return {
    targetDevices: campaign.targetDevices,
    targetGroups: campaign.targetGroups,
    targetFilters: (campaign.targetFilters as Record<string, unknown> | null) ?? undefined,
    rolloutPercentage: campaign.rolloutPercentage,
    seed: campaign.campaignId,
  };
}
