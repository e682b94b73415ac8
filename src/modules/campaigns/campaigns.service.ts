import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { listEnvelope } from '../../common/http/pagination.dto';
import { Clock } from '../../common/time/clock';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import { type Campaign, Prisma } from '../../generated/prisma/client';
import type { AuditContext } from '../audit/audit-context';
import { givenFields } from '../audit/audit-summary';
import { AuditService } from '../audit/audit.service';
import type { FirmwareResponseDto } from '../firmware/dto/firmware.dto';
import { FirmwareService } from '../firmware/firmware.service';
import { TargetSelectionService } from '../targeting/target-selection.service';
import { CampaignUpdatesService } from '../updates/campaign-updates.service';
import { WebhooksService } from '../webhooks/webhooks.service';
import { applyChange, type CampaignSettings, settingsOf, settingsOfRequest, settingsProblems } from './campaign-settings';
import { actorOf, CampaignLifecycle, keyOf, targetSpecOf } from './campaign-lifecycle';
import { CampaignKicks } from './campaign-kicks';
import { CampaignPlanner } from './campaign-planner';
import { nextWindowAt, WindowCalendar } from './domain/maintenance-windows';
import { type CampaignView, toCampaignDetail, toCampaignDevice, toCampaignResponse } from './campaign.mapper';
import { CampaignsRepository } from './campaigns.repository';
import { type CampaignAction, type CampaignStatus, checkAction, type DeploymentStrategy } from './domain/campaign-state';
import type {
  ApproveCampaignDto,
  CampaignDetailResponseDto,
  CampaignDeviceListResponseDto,
  CampaignListResponseDto,
  CreateCampaignDto,
  ListCampaignDevicesQueryDto,
  ListCampaignsQueryDto,
  UpdateCampaignDto,
} from './dto/campaign.dto';
import type { CampaignPlanResponseDto } from './dto/campaign-plan.dto';

/**
 * Campaigns of one organization per call: create, read, change before the start, and the
 * operator's actions (start, pause, resume, cancel, approve, rollback, advance). The rollout
 * (`RolloutService`) takes it from there; both change campaigns through `CampaignLifecycle`.
 */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: CampaignsRepository,
    private readonly lifecycle: CampaignLifecycle,
    private readonly updates: CampaignUpdatesService,
    private readonly targeting: TargetSelectionService,
    private readonly firmware: FirmwareService,
    private readonly kicks: CampaignKicks,
    private readonly clock: Clock,
    private readonly auditLog: AuditService,
    private readonly webhooks: WebhooksService,
    private readonly planner: CampaignPlanner,
  ) {}

  /** Remembers maintenance window states between reads (see `WindowCalendar`). */
  private readonly calendar = new WindowCalendar();

  /**
   * The dry run of `create`'s body: what a start would select now, stage by stage, what it would
   * leave out and why, and an estimated duration. Validated as `create`; writes nothing.
   * @throws NotFoundError `firmware/not_found`.
   * @throws ValidationError as `create`.
   */
  async plan(organizationId: string, request: CreateCampaignDto): Promise<CampaignPlanResponseDto> {
    const strategy = (request.deployment_strategy ?? 'staged') as DeploymentStrategy;
    const settings = settingsOfRequest(request);
    // Sampled as a campaign created now would be: with a fresh id of its own.
    const seed = randomBytes(16).toString('hex');
    this.validate(organizationId, settings, strategy, seed);
    const firmware = await this.firmware.get(organizationId, request.firmware_id);
    return this.planner.plan(organizationId, settings, strategy, specOf(settings, seed), firmware);
  }

  /**
   * A new campaign over the devices whose update in a finished campaign failed (timeouts
   * included): every setting copied, `retry_of` naming the original, the failed devices as its
   * explicit targets; `created`, or `pending_approval` when the original required approval.
   * @throws NotFoundError `campaign/not_found`, `firmware/not_found` (the firmware was deleted).
   * @throws ConflictError `campaign/invalid_transition` unless the original finished,
   *   `campaign/nothing_to_retry` when none of its devices failed.
   */
  async retry(organizationId: string, campaignId: string, audit: AuditContext): Promise<CampaignDetailResponseDto> {
    const original = await this.require(organizationId, campaignId);
    if (!(RETRYABLE_STATUSES as readonly string[]).includes(original.status)) {
      throw new ConflictError(ErrorCode.CampaignInvalidTransition, `Campaign ${campaignId} is ${original.status}; only a finished campaign can be retried`);
    }
    const failed = await this.updates.failedDeviceIds(keyOf(original));
    if (failed.length === 0) throw new ConflictError(ErrorCode.CampaignNothingToRetry, `No device failed in campaign ${campaignId}: nothing to retry`);
    const firmware = await this.firmware.get(organizationId, original.firmwareId);
    const retryId = randomBytes(16).toString('hex');
    const settings = retrySettings(settingsOf(original), failed);
    const strategy = (original.deploymentStrategy === 'scheduled' ? 'immediate' : original.deploymentStrategy) as DeploymentStrategy;
    const counts = await this.targeting.counts(organizationId, specOf(settings, retryId), firmware);
    const campaign = await this.insert(organizationId, audit, {
      campaignId: retryId,
      settings,
      strategy,
      firmware,
      requiresApproval: original.requiresApproval,
      targetDeviceCount: counts.selected,
      retryOf: original.campaignId,
      reason: `Retry of campaign ${original.campaignId} over its ${failed.length} failed device${failed.length === 1 ? '' : 's'}`,
      data: { failed_devices: failed.length },
    });
    return this.detail(campaign, firmware);
  }

  /**
   * Creates a campaign (`created`, or `pending_approval` when it requires approval) with every
   * setting as given and defaults for the rest, and counts what a start would select now.
   * @throws NotFoundError `firmware/not_found`.
   * @throws ValidationError `target/no_targets`, `target/invalid_filter`, or a field across others
   *   (schedule, stages).
   */
  async create(organizationId: string, request: CreateCampaignDto, audit: AuditContext): Promise<CampaignDetailResponseDto> {
    const strategy = (request.deployment_strategy ?? 'staged') as DeploymentStrategy;
    const settings = settingsOfRequest(request);
    const campaignId = randomBytes(16).toString('hex');
    // Refuse a bad target before looking the firmware up, so a 422 does not hide behind a 404.
    this.validate(organizationId, settings, strategy, campaignId);
    const firmware = await this.firmware.get(organizationId, request.firmware_id);
    const counts = await this.targeting.counts(organizationId, specOf(settings, campaignId), firmware);
    const requiresApproval = request.requires_approval ?? false;
    const campaign = await this.insert(organizationId, audit, {
      campaignId,
      settings,
      strategy,
      firmware,
      requiresApproval,
      targetDeviceCount: counts.selected,
      retryOf: null,
      reason: requiresApproval ? 'Waiting for approval' : null,
      data: {},
    });
    return this.detail(campaign, firmware);
  }

  /**
   * Writes a new campaign (`created`, or `pending_approval` when it requires approval) with its
   * `created` timeline entry and its audit row, in one transaction.
   */
  private insert(organizationId: string, audit: AuditContext, campaign: NewCampaign): Promise<Campaign> {
    const retryOf = campaign.retryOf === null ? {} : { retry_of: campaign.retryOf };
    return this.prisma.$transaction(async (tx) => {
      const created = await this.repository.create(
        {
          ...storedSettings(campaign.settings),
          organizationId,
          campaignId: campaign.campaignId,
          firmwareId: campaign.firmware.firmware_id,
          deviceModel: campaign.firmware.device_model,
          deploymentStrategy: campaign.strategy,
          requiresApproval: campaign.requiresApproval,
          status: campaign.requiresApproval ? 'pending_approval' : 'created',
          targetDeviceCount: campaign.targetDeviceCount,
          retryOf: campaign.retryOf,
          createdBy: audit.principal.id,
        },
        tx,
      );
      await this.lifecycle.record(tx, created, {
        event: 'created',
        from: null,
        to: created.status,
        actor: actorOf(audit.principal),
        reason: campaign.reason,
        data: { target_device_count: campaign.targetDeviceCount, ...retryOf, ...campaign.data },
      });
      await this.auditLog.record(tx, audit, {
        organizationId,
        action: 'campaign.created',
        resourceType: 'campaign',
        resourceId: campaign.campaignId,
        summary: {
          name: created.name,
          firmware_id: created.firmwareId,
          deployment_strategy: created.deploymentStrategy,
          priority: created.priority,
          status: created.status,
          target_device_count: campaign.targetDeviceCount,
          ...retryOf,
        },
      });
      return created;
    });
  }

  /** @throws NotFoundError `campaign/not_found`. */
  async get(organizationId: string, campaignId: string): Promise<CampaignDetailResponseDto> {
    return this.detail(await this.require(organizationId, campaignId));
  }

  async list(organizationId: string, query: ListCampaignsQueryDto): Promise<CampaignListResponseDto> {
    const filters = { status: query.status, priority: query.priority, deploymentStrategy: query.deployment_strategy, firmwareId: query.firmware_id };
    const page = await this.repository.page(organizationId, filters, query.limit, query.offset);
    const ids = page.items.map((campaign) => campaign.campaignId);
    const [firmware, tallies, stages] = await Promise.all([
      this.firmware.findMany(organizationId, page.items.map((campaign) => campaign.firmwareId)),
      this.repository.talliesOf(organizationId, ids),
      this.repository.stagesOf(organizationId, ids),
    ]);
    const items = page.items.map((campaign) =>
      toCampaignResponse(campaign, {
        firmware: firmware.get(campaign.firmwareId) ?? null,
        tallies: tallies.get(campaign.campaignId) as CampaignView['tallies'],
        stages: stages.get(campaign.campaignId) ?? [],
        nextWindowAt: nextWindowAt(this.calendar, campaign, this.clock.now()),
      }),
    );
    return listEnvelope('campaigns', { items, total: page.total }, query, {
      status: query.status ?? null,
      priority: query.priority ?? null,
      deployment_strategy: query.deployment_strategy ?? null,
      firmware_id: query.firmware_id ?? null,
    });
  }

  /**
   * Changes settings before the start; an approved campaign goes back to `pending_approval`.
   * @throws ConflictError `campaign/invalid_transition` once started (or rejected, cancelled).
   * @throws ValidationError as `create`.
   */
  async update(organizationId: string, campaignId: string, change: UpdateCampaignDto, audit: AuditContext): Promise<CampaignDetailResponseDto> {
    const current = await this.require(organizationId, campaignId);
    this.assertAllowed('update', current);
    const { settings, errors } = applyChange(settingsOf(current), change);
    if (errors.length > 0) throw new ValidationError(errors);
    this.validate(organizationId, settings, current.deploymentStrategy as DeploymentStrategy, campaignId);
    const firmware = await this.firmware.get(organizationId, current.firmwareId);
    const counts = await this.targeting.counts(organizationId, specOf(settings, campaignId), firmware);
    const campaign = await this.prisma.$transaction(async (tx) => {
      const locked = await this.lock(organizationId, campaignId, tx);
      this.assertAllowed('update', locked);
      const reapprove = locked.requiresApproval && locked.approved === true;
      const updated = await this.lifecycle.transition(tx, locked, {
        event: 'updated',
        to: reapprove ? 'pending_approval' : (locked.status as CampaignStatus),
        actor: actorOf(audit.principal),
        reason: reapprove ? 'Changed after its approval: it needs approving again' : null,
        data: { fields: Object.keys(change).filter((key) => (change as Record<string, unknown>)[key] !== undefined) },
        fields: {
          ...storedSettings(settings),
          targetDeviceCount: counts.selected,
          ...(reapprove ? { approved: null, approvedBy: null, approvedAt: null, approvalComment: null, approvalConditions: Prisma.DbNull } : {}),
        },
      });
      await this.auditLog.record(tx, audit, {
        organizationId,
        action: 'campaign.updated',
        resourceType: 'campaign',
        resourceId: campaignId,
        summary: { ...givenFields(change), ...(reapprove ? { status: updated.status } : {}) },
      });
      return updated;
    });
    return this.detail(campaign, firmware);
  }

  /**
   * Starts the campaign: resolves its targets now (a `scheduled` one, or one whose
   * `scheduled_start` is ahead, waits in `scheduled` and resolves when it comes). Starting a
   * running or scheduled campaign changes nothing; a paused one resumes.
   * @throws ConflictError `campaign/approval_required`, `campaign/invalid_transition`.
   */
  async start(organizationId: string, campaignId: string, audit: AuditContext): Promise<CampaignDetailResponseDto> {
    const actor = actorOf(audit.principal);
    const campaign = await this.act(organizationId, campaignId, 'start', audit, async (tx, locked) => {
      if (locked.status === 'paused') return this.lifecycle.transition(tx, locked, { event: 'resumed', to: 'in_progress', actor });
      const waits = locked.deploymentStrategy === 'scheduled' || (locked.scheduledStart !== null && locked.scheduledStart > this.clock.now());
      if (waits) {
        return this.lifecycle.transition(tx, locked, { event: 'scheduled', to: 'scheduled', actor, reason: `Starts at ${(locked.scheduledStart ?? this.clock.now()).toISOString()}` });
      }
      return this.lifecycle.begin(tx, locked, actor);
    });
    this.kicks.kick(keyOf(campaign));
    return this.detail(campaign);
  }

  /** Nothing new is released; updates already with devices go on. @throws ConflictError `campaign/invalid_transition`. */
  pause(organizationId: string, campaignId: string, reason: string | undefined, audit: AuditContext): Promise<CampaignDetailResponseDto> {
    return this.actAndShow(
      organizationId,
      campaignId,
      'pause',
      audit,
      (tx, locked) => this.lifecycle.transition(tx, locked, { event: 'paused', to: 'paused', actor: actorOf(audit.principal), reason: reason ?? null }),
      { reason },
    );
  }

  /** @throws ConflictError `campaign/invalid_transition`. */
  async resume(organizationId: string, campaignId: string, audit: AuditContext): Promise<CampaignDetailResponseDto> {
    const campaign = await this.act(organizationId, campaignId, 'resume', audit, (tx, locked) =>
      this.lifecycle.transition(tx, locked, { event: 'resumed', to: 'in_progress', actor: actorOf(audit.principal) }),
    );
    this.kicks.kick(keyOf(campaign));
    return this.detail(campaign);
  }

  /** Cancels every unfinished update (devices holding one are told). @throws ConflictError `campaign/invalid_transition`. */
  cancel(organizationId: string, campaignId: string, reason: string | undefined, audit: AuditContext): Promise<CampaignDetailResponseDto> {
    return this.actAndShow(organizationId, campaignId, 'cancel', audit, (tx, locked) => this.lifecycle.cancel(tx, locked, actorOf(audit.principal), reason ?? null), { reason });
  }

  /**
   * Approves (`created`, ready to start) or rejects (`rejected`, for good) a campaign waiting
   * for approval. The route requires `admin`.
   * @throws ForbiddenError `campaign/self_approval` for the campaign's creator.
   * @throws ValidationError when the body names another campaign.
   * @throws ConflictError `campaign/invalid_transition` unless pending approval.
   */
  async approve(organizationId: string, campaignId: string, request: ApproveCampaignDto, audit: AuditContext): Promise<CampaignDetailResponseDto> {
    if (request.campaign_id !== undefined && request.campaign_id !== campaignId) {
      throw new ValidationError([{ loc: ['body', 'campaign_id'], msg: 'campaign_id must be the campaign of the path', type: 'mismatch' }]);
    }
    return this.actAndShow(organizationId, campaignId, 'approve', audit, (tx, locked) => {
      if (locked.createdBy === audit.principal.id) {
        throw new ForbiddenError(ErrorCode.CampaignSelfApproval, 'A campaign must be approved by someone other than its creator');
      }
      return this.lifecycle.transition(tx, locked, {
        event: request.approved ? 'approved' : 'rejected',
        to: request.approved ? 'created' : 'rejected',
        actor: actorOf(audit.principal),
        reason: request.approval_comment ?? null,
        fields: {
          approved: request.approved,
          approvedBy: audit.principal.id,
          approvedAt: this.clock.now(),
          approvalComment: request.approval_comment ?? null,
          approvalConditions: request.conditions === undefined ? Prisma.DbNull : (request.conditions as Prisma.InputJsonValue),
          ...(request.approved ? {} : { actualEnd: this.clock.now() }),
        },
      });
    }, { approved: request.approved, approval_comment: request.approval_comment, conditions: request.conditions });
  }

  /**
   * Rolls every device the campaign completed back to its own previous version, after cancelling
   * what it has not finished. @throws ConflictError `campaign/invalid_transition`.
   */
  async rollback(organizationId: string, campaignId: string, reason: string | undefined, audit: AuditContext): Promise<CampaignDetailResponseDto> {
    const campaign = await this.act(
      organizationId,
      campaignId,
      'rollback',
      audit,
      (tx, locked) => this.lifecycle.rollBack(tx, locked, actorOf(audit.principal), reason ?? `Rolled back by ${audit.principal.id}`),
      { reason },
    );
    this.kicks.kick(keyOf(campaign));
    return this.detail(campaign);
  }

  /**
   * Opens the next stage now without waiting for its gate; for blue-green, switches the staged
   * devices now.
   * @throws ConflictError `campaign/invalid_transition` unless running, `campaign/no_next_stage`
   *   at the last stage (or after the switch).
   */
  async advance(organizationId: string, campaignId: string, audit: AuditContext): Promise<CampaignDetailResponseDto> {
    const actor = actorOf(audit.principal);
    const campaign = await this.act(organizationId, campaignId, 'advance', audit, async (tx, locked) => {
      const reason = `Advanced by ${audit.principal.id}`;
      if (locked.deploymentStrategy === 'blue_green') {
        if (locked.activatedAt !== null) throw noNextStage(locked, 'its devices were switched already');
        return this.lifecycle.activate(tx, locked, actor, reason);
      }
      const stages = await this.repository.stages(keyOf(locked), tx);
      const next = (locked.openStage ?? 0) + 1;
      if (next >= stages.length) throw noNextStage(locked, 'its last stage is open');
      return this.lifecycle.openStage(tx, locked, next, actor, reason);
    });
    this.kicks.kick(keyOf(campaign));
    return this.detail(campaign);
  }

  /** The campaign's rows (update and rollback), by device. @throws NotFoundError `campaign/not_found`. */
  async devices(organizationId: string, campaignId: string, query: ListCampaignDevicesQueryDto): Promise<CampaignDeviceListResponseDto> {
    await this.require(organizationId, campaignId);
    const page = await this.updates.page({ organizationId, campaignId }, { status: query.status, stage: query.stage, kind: query.kind }, query.limit, query.offset);
    return listEnvelope('devices', { items: page.items.map(toCampaignDevice), total: page.total }, query, {
      status: query.status ?? null,
      stage: query.stage ?? null,
      kind: query.kind ?? null,
    });
  }

  /** The campaign, for other modules' reads (stats). @throws NotFoundError `campaign/not_found`. */
  async require(organizationId: string, campaignId: string): Promise<Campaign> {
    const campaign = await this.repository.findById(organizationId, campaignId);
    if (!campaign) throw campaignNotFound(campaignId);
    return campaign;
  }

  private async detail(campaign: Campaign, firmware?: FirmwareResponseDto): Promise<CampaignDetailResponseDto> {
    const key = keyOf(campaign);
    const [found, tallies, stages, timeline] = await Promise.all([
      firmware ? Promise.resolve(new Map([[firmware.firmware_id, firmware]])) : this.firmware.findMany(campaign.organizationId, [campaign.firmwareId]),
      this.repository.tallies(key),
      this.repository.stages(key),
      this.repository.timeline(key),
    ]);
    const nextWindow = nextWindowAt(this.calendar, campaign, this.clock.now());
    return toCampaignDetail(campaign, { firmware: found.get(campaign.firmwareId) ?? null, tallies, stages, nextWindowAt: nextWindow }, timeline);
  }

  /**
   * Locks the campaign, checks the action is allowed, and runs it unless it changes nothing; what
   * it changed is audited in its transaction (with `details`, the request's own fields).
   */
  private async act(
    organizationId: string,
    campaignId: string,
    action: OperatorAction,
    audit: AuditContext,
    work: (tx: TransactionClient, locked: Campaign) => Promise<Campaign>,
    details: Record<string, unknown> = {},
  ): Promise<Campaign> {
    // Start and cancel resolve or touch every device of the campaign: a long transaction.
    return this.prisma.longTransaction(async (tx) => {
      const locked = await this.lock(organizationId, campaignId, tx);
      if (this.assertAllowed(action, locked)) return locked;
      const changed = await work(tx, locked);
      await this.auditLog.record(tx, audit, {
        organizationId,
        action: action === 'approve' && changed.status === 'rejected' ? 'campaign.rejected' : AUDITED_ACTIONS[action],
        resourceType: 'campaign',
        resourceId: campaignId,
        summary: {
          previous_status: locked.status,
          status: changed.status,
          ...(changed.openStage === locked.openStage ? {} : { open_stage: changed.openStage }),
          ...details,
        },
      });
      return changed;
    });
  }

  private async actAndShow(
    organizationId: string,
    campaignId: string,
    action: OperatorAction,
    audit: AuditContext,
    work: (tx: TransactionClient, locked: Campaign) => Promise<Campaign>,
    details: Record<string, unknown> = {},
  ): Promise<CampaignDetailResponseDto> {
    return this.detail(await this.act(organizationId, campaignId, action, audit, work, details));
  }

  private async lock(organizationId: string, campaignId: string, tx: TransactionClient): Promise<Campaign> {
    const campaign = await this.repository.lock(organizationId, campaignId, tx);
    if (!campaign) throw campaignNotFound(campaignId);
    return campaign;
  }

  /**
   * Throws unless `action` is allowed on the campaign now; returns true when it would change
   * nothing (starting a running campaign).
   */
  private assertAllowed(action: CampaignAction, campaign: Campaign): boolean {
    const status = campaign.status as CampaignStatus;
    if (action === 'start' && status === 'pending_approval') {
      throw new ConflictError(ErrorCode.CampaignApprovalRequired, `Campaign ${campaign.campaignId} needs approval before it can start`);
    }
    const check = checkAction(action, status);
    if (!check.allowed) {
      throw new ConflictError(ErrorCode.CampaignInvalidTransition, `Campaign ${campaign.campaignId} is ${status}; it cannot ${action === 'update' ? 'be changed' : action}`);
    }
    return check.noop;
  }

  /** Every rule across fields, webhook channels through the webhooks module's, and the targets through the targeting module's. */
  private validate(organizationId: string, settings: CampaignSettings, strategy: DeploymentStrategy, campaignId: string): void {
    const problems = [...settingsProblems(settings, strategy), ...this.webhooks.channelProblems(settings.notificationChannels)];
    if (problems.length > 0) throw new ValidationError(problems);
    this.targeting.resolve(organizationId, specOf(settings, campaignId));
  }
}

/** Statuses a campaign can be retried from: it finished, one way or another. */
/** A campaign about to be written: its settings, what it updates to, and its `created` timeline entry. */
interface NewCampaign {
  campaignId: string;
  settings: CampaignSettings;
  strategy: DeploymentStrategy;
  firmware: FirmwareResponseDto;
  requiresApproval: boolean;
  targetDeviceCount: number;
  retryOf: string | null;
  reason: string | null;
  /** Added to the timeline entry's data. */
  data: Record<string, unknown>;
}

const RETRYABLE_STATUSES = ['completed', 'failed', 'cancelled', 'rolled_back'] as const satisfies readonly CampaignStatus[];
const MAX_NAME = 200;
const RETRY_SUFFIX = ' (retry)';

/**
 * A retry's settings: the original's, aimed at the failed devices only (all of them: no sample,
 * no groups or filters; not bound by the request limit on `target_devices`, since the list never
 * passes through a request), with no schedule (the original's is past) and not continuous (it ends
 * when its devices are done).
 */
function retrySettings(original: CampaignSettings, failed: string[]): CampaignSettings {
  return {
    ...original,
    name: `${original.name.slice(0, MAX_NAME - RETRY_SUFFIX.length)}${RETRY_SUFFIX}`,
    targetDevices: failed,
    targetGroups: [],
    targetFilters: null,
    rolloutPercentage: 100,
    scheduledStart: null,
    scheduledEnd: null,
    continuous: false,
  };
}

/** The operator's actions on a campaign (`update` has its own path) and their audit actions. */
type OperatorAction = Exclude<CampaignAction, 'update'>;
const AUDITED_ACTIONS: Record<OperatorAction, string> = {
  start: 'campaign.started',
  pause: 'campaign.paused',
  resume: 'campaign.resumed',
  cancel: 'campaign.cancelled',
  approve: 'campaign.approved',
  rollback: 'campaign.rolled_back',
  advance: 'campaign.advanced',
};

function specOf(settings: CampaignSettings, campaignId: string) {
  return targetSpecOf({ ...settings, campaignId });
}

/** The settings as campaign columns. */
function storedSettings(settings: CampaignSettings): Omit<Prisma.CampaignUncheckedCreateInput, 'organizationId' | 'campaignId' | 'firmwareId' | 'deviceModel' | 'deploymentStrategy' | 'requiresApproval' | 'status' | 'createdBy'> {
  return {
    ...settings,
    targetFilters: settings.targetFilters === null ? Prisma.DbNull : (settings.targetFilters as Prisma.InputJsonValue),
    // No window is no restriction: stored as null, as is a cleared ramp.
    maintenanceWindows: jsonColumn(settings.maintenanceWindows?.length ? settings.maintenanceWindows : null),
    rolloutRate: jsonColumn(settings.rolloutRate),
  };
}

/** A validated request object (DTO instances) as a JSON column value; null as SQL NULL. */
function jsonColumn(value: object | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);
}

function campaignNotFound(campaignId: string): NotFoundError {
  return new NotFoundError(ErrorCode.CampaignNotFound, `Campaign ${campaignId} not found`);
}

function noNextStage(campaign: Campaign, why: string): ConflictError {
  return new ConflictError(ErrorCode.CampaignNoNextStage, `Campaign ${campaign.campaignId} has nothing to advance to: ${why}`);
}
