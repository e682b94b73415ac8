import { Inject, Injectable, Logger } from '@nestjs/common';
import pLimit from 'p-limit';
import { APP_CONFIG, type AppConfig } from '../../config';
import { relayRetryDelayMs } from '../../database/relay-queue';
import { deleteInBatches } from '../../database/sequential-chunks';
import { type ClaimedCommand, DeviceCommandRepository } from './device-command.repository';
import { commandTopic } from './device-topics';
import { MqttConnection, MqttPublishRefusedError } from './mqtt-connection';
import { MqttMetrics } from './mqtt.metrics';

/** How long a relay holds claimed rows before another may take them; longer than a publish timeout. */
const LEASE_MS = 30_000;
const PURGE_BATCH = 1_000;
/** A run keeps draining while batches come back full, up to this many, then yields. */
const MAX_BATCHES_PER_RUN = 20;
/** Commands in flight at once: enough to hide the broker's round trip, small enough to stop fast on an outage. */
const PUBLISH_CONCURRENCY = 16;

export interface CommandRelayResult {
  /** Commands the broker acknowledged (PUBACK) and that are now marked published. */
  published: number;
  /** Commands that could not be sent and were rescheduled. */
  failed: number;
}

/**
 * Moves `ota.device_commands` rows to `ota/v1/devices/{device_id}/commands` (QoS 1, not retained).
 * A row is marked only after the broker's PUBACK; while the broker is away rows stay and are sent
 * later with a growing delay, so an outage delays commands and never loses them. Delivery is at
 * least once: a PUBACK lost with the connection means the command goes out again, so the MQTT 5
 * user property `command_id` (the row id) lets a device drop a repeat.
 */
@Injectable()
export class DeviceCommandRelay {
  private readonly logger = new Logger('DeviceCommandRelay');
  private running = false;
  private lastRunAt: Date | undefined;
  private lastFailure: string | undefined;

  constructor(
    private readonly repository: DeviceCommandRepository,
    private readonly connection: MqttConnection,
    private readonly metrics: MqttMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get lastRun(): Date | undefined {
    return this.lastRunAt;
  }

  /** Why the last run could not publish everything; cleared by a run without failures. */
  get lastError(): string | undefined {
    return this.lastFailure;
  }

  /**
   * Publishes what is due. Without MQTT configured it does nothing (devices learn of their work at
   * check-in). Overlapping calls in one process are skipped, not queued.
   */
  async relayPending(): Promise<CommandRelayResult> {
    const result: CommandRelayResult = { published: 0, failed: 0 };
    if (!this.connection.enabled || this.running) return result;
    this.running = true;
    try {
      const batchSize = this.config.events.batchSize;
      for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
        const claimed = await this.repository.claimDue(batchSize, LEASE_MS);
        const outcome = await this.publishBatch(claimed);
        result.published += outcome.published;
        result.failed += outcome.failed;
        if (outcome.brokerFailed || claimed.length < batchSize) break;
      }
      if (result.failed === 0 && this.connection.connected) this.lastFailure = undefined;
      return result;
    } finally {
      this.running = false;
      this.lastRunAt = new Date();
    }
  }

  /**
   * Deletes published commands older than the retention period. Without MQTT configured, commands
   * are never sent, so every command older than the retention goes: by then it is stale, and the
   * device got its work at check-in.
   */
  async purge(): Promise<number> {
    const cutoff = new Date(Date.now() - this.config.events.retentionHours * 3600_000);
    const remove = this.connection.enabled
      ? (limit: number) => this.repository.deletePublishedBefore(cutoff, limit)
      : (limit: number) => this.repository.deleteCreatedBefore(cutoff, limit);
    return deleteInBatches(remove, PURGE_BATCH);
  }

  private async publishBatch(commands: ClaimedCommand[]): Promise<CommandRelayResult & { brokerFailed: boolean }> {
    const published: string[] = [];
    const refused: { command: ClaimedCommand; message: string }[] = [];
    let brokerError: string | undefined;
    // Commands start oldest first; once the broker fails, those not started yet stay for later.
    await pLimit(PUBLISH_CONCURRENCY).map(commands, async (command) => {
      if (brokerError !== undefined) return;
      try {
        await this.connection.publish(commandTopic(command.deviceId), JSON.stringify(command.payload), {
          qos: 1,
          retain: false,
          properties: { contentType: 'application/json', payloadFormatIndicator: true, userProperties: { command_id: command.id } },
        });
        published.push(command.id);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof MqttPublishRefusedError) {
          // Only this command is at fault: it must not hold back the others.
          refused.push({ command, message });
          this.logger.error(`Command ${command.id} for device ${command.deviceId} was refused by the broker (${message}); will retry`);
        } else {
          brokerError ??= message;
        }
      }
    });

    await this.repository.markPublished(published);
    this.metrics.commandsPublished(published.length);
    const done = new Set([...published, ...refused.map((r) => r.command.id)]);
    for (const { command, message } of refused) {
      await this.repository.scheduleRetry([command.id], new Date(Date.now() + relayRetryDelayMs(command.attempts)), message);
    }
    const unsent = commands.filter((c) => !done.has(c.id));
    if (unsent.length > 0) {
      const message = brokerError ?? 'not sent';
      // The attempts of one batch differ little: the oldest row's count sets the delay for all.
      const retryAt = new Date(Date.now() + relayRetryDelayMs(Math.max(...unsent.map((c) => c.attempts))));
      await this.repository.scheduleRetry(unsent.map((c) => c.id), retryAt, message);
      this.logger.warn(`Publishing ${unsent.length} device command(s) failed (${message}); will retry`);
    }
    const failed = refused.length + unsent.length;
    if (failed > 0) this.lastFailure = brokerError ?? 'the broker refused some commands';
    return { published: published.length, failed, brokerFailed: brokerError !== undefined };
  }
}
