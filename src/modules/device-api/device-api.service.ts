import { hash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { APP_CONFIG, type AppConfig } from '../../config';
import type { DeviceResponseDto } from '../devices/dto/device.dto';
import { DevicesService } from '../devices/devices.service';
import { LastSeenBuffer } from '../devices/last-seen-buffer';
import { FirmwareService } from '../firmware/firmware.service';
import type { UpdateResponseDto } from '../updates/dto/update.dto';
import { DeviceConsentService } from '../updates/device-consent.service';
import { type DeviceReport, DeviceReportsService, type ReportSource } from '../updates/device-reports.service';
import { HealthChecksService } from '../updates/health-checks.service';
import type { CheckInUpdateRow } from '../updates/updates.repository';
import { CheckInReads } from './check-in-reads';
import { CheckInAnswers, type RememberedAnswer } from './check-in-answers';
import { DeviceApiMetrics, type ReportTransport } from './device-api.metrics';
import type { DeviceCheckInDto, DeviceCheckInResponseDto, DeviceCheckInUpdateDto, DeviceConfirmationDto, DeviceHealthReportDto } from './dto/device-api.dto';

/**
 * A check-in answer: 304 for the ETag the device sent, or the answer serialized once (for the
 * ETag and the reply) with its strong ETag.
 */
export type CheckInAnswer = { notModified: true; etag: string } | { notModified: false; json: string; etag: string };

/** What devices (or gateways acting for them) ask of the service. */
@Injectable()
export class DeviceApiService {
  constructor(
    private readonly devices: DevicesService,
    private readonly lastSeen: LastSeenBuffer,
    private readonly reports: DeviceReportsService,
    private readonly consent: DeviceConsentService,
    private readonly healthChecks: HealthChecksService,
    private readonly checkInReads: CheckInReads,
    private readonly answers: CheckInAnswers,
    private readonly firmware: FirmwareService,
    private readonly metrics: DeviceApiMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The device's own registration; the call counts as the device being seen.
   * @throws NotFoundError when the organization has no such device.
   */
  async getRegistration(organizationId: string, deviceId: string): Promise<DeviceResponseDto> {
    const device = await this.devices.get(organizationId, deviceId);
    this.lastSeen.record(organizationId, deviceId, { seenAt: new Date() });
    return device;
  }

  /**
   * The check-in, the hot path of a polling fleet: no write (last seen and the reported firmware
   * version go to the {@link LastSeenBuffer}; `hardware_version` and `attributes` are validated
   * and not stored, the registry API owns them) and at most one indexed read (the released update
   * with its firmware), none when this replica remembers the device's answer and nothing changed
   * since ({@link CheckInAnswers}). The answer is deterministic within a download-link window, so
   * its ETag lets an unchanged device get a 304.
   *
   * A device the registry does not know gets `update: null` (it cannot have updates either); the
   * last-seen write simply matches no row.
   */
  async checkIn(organizationId: string, deviceId: string, request: DeviceCheckInDto, ifNoneMatch: string | undefined): Promise<CheckInAnswer> {
    const now = new Date();
    this.lastSeen.record(organizationId, deviceId, { firmwareVersion: request.firmware_version, seenAt: now });
    const remembered = await this.answers.current(organizationId, deviceId);
    const answer = remembered ?? (await this.readAnswer(organizationId, deviceId, now));
    const notModified = ifNoneMatch !== undefined && etagMatches(ifNoneMatch, answer.etag);
    this.metrics.checkIn(notModified ? 'not_modified' : answer.offersUpdate ? 'update' : 'none', remembered === null ? 'database' : 'memory');
    return notModified ? { notModified, etag: answer.etag } : { notModified, json: answer.json, etag: answer.etag };
  }

  /**
   * A device's report on one of its own updates (HTTP): the state machine of DeviceReportsService.
   * Another device's update is 404, as is an unknown one.
   * @throws NotFoundError `update/not_found`; ConflictError `update/terminal`, `update/invalid_transition`.
   */
  async reportStatus(organizationId: string, deviceId: string, updateId: string, report: DeviceReport): Promise<UpdateResponseDto> {
    this.recordSeen(organizationId, deviceId, report);
    return this.applyReport('http', organizationId, deviceId, updateId, report);
  }

  /**
   * The device's consent to one of its updates (see DeviceConsentService); counts as the device being seen.
   * @throws NotFoundError `update/not_found`; ConflictError `update/not_awaiting_confirmation`.
   */
  confirmUpdate(organizationId: string, deviceId: string, updateId: string, body: DeviceConfirmationDto): Promise<UpdateResponseDto> {
    this.lastSeen.record(organizationId, deviceId, { seenAt: new Date() });
    return this.consent.answer(organizationId, deviceId, updateId, { confirmed: body.confirmed, reason: body.reason ?? undefined }, 'device');
  }

  /**
   * The device's health report on one of its completed updates (see HealthChecksService); counts as the device being seen.
   * @throws NotFoundError `update/not_found`; ConflictError `update/no_health_check`.
   */
  reportHealth(organizationId: string, deviceId: string, updateId: string, body: DeviceHealthReportDto): Promise<UpdateResponseDto> {
    this.lastSeen.record(organizationId, deviceId, { seenAt: new Date() });
    return this.healthChecks.report(organizationId, deviceId, updateId, { healthy: body.healthy, details: body.details ?? undefined }, 'device');
  }

  /** A report (over either transport) counts as the device being seen, with the version it names. */
  recordSeen(organizationId: string, deviceId: string, report: DeviceReport): void {
    this.lastSeen.record(organizationId, deviceId, { firmwareVersion: report.firmware_version, seenAt: new Date() });
  }

  /**
   * Applies a report and counts it by transport and outcome; client errors (404, 409) count as
   * `rejected` and are thrown on.
   */
  async applyReport(transport: ReportTransport, organizationId: string, deviceId: string, updateId: string, report: DeviceReport): Promise<UpdateResponseDto> {
    const source: ReportSource = transport === 'http' ? 'device' : 'mqtt';
    try {
      const result = await this.reports.applyDeviceReport(organizationId, deviceId, updateId, report, source);
      this.metrics.report(transport, 'applied');
      return result;
    } catch (error) {
      this.metrics.report(transport, error instanceof NotFoundError || error instanceof ConflictError ? 'rejected' : 'error');
      throw error;
    }
  }

  /** The answer as the database has it now, remembered for the device's next check-in. */
  private async readAnswer(organizationId: string, deviceId: string, now: Date): Promise<RememberedAnswer> {
    const ticket = this.answers.ticket();
    const row = await this.checkInReads.releasedUpdate(organizationId, deviceId);
    const body: DeviceCheckInResponseDto = {
      poll_interval_seconds: this.pollIntervalSeconds(organizationId, deviceId),
      update: row === null ? null : await this.toCheckInUpdate(row, now),
    };
    const json = JSON.stringify(body);
    const answer = { json, etag: strongEtag(json, row), offersUpdate: row !== null };
    this.answers.remember(organizationId, deviceId, answer, ticket, row === null ? Number.POSITIVE_INFINITY : this.firmware.downloadWindowEnd(now));
    return answer;
  }

  /**
   * The configured interval ± `pollJitterPercent`%, the jitter derived from the device id: devices
   * spread over the interval (no thundering herd after an outage) while each device's answer
   * stays the same between check-ins, so its ETag stays meaningful.
   */
  private pollIntervalSeconds(organizationId: string, deviceId: string): number {
    const { pollIntervalSeconds, pollJitterPercent } = this.config.updates;
    const unit = Number.parseInt(hash('sha256', `${organizationId}\u0000${deviceId}`, 'hex').slice(0, 8), 16) / 0xffffffff;
    const jitter = ((unit * 2 - 1) * pollJitterPercent) / 100;
    return Math.max(1, Math.round(pollIntervalSeconds * (1 + jitter)));
  }

  private async toCheckInUpdate(row: CheckInUpdateRow, now: Date): Promise<DeviceCheckInUpdateDto> {
    const link = await this.firmware.downloadLinkFor(row, now);
    return {
      update_id: row.updateId,
      kind: row.kind,
      firmware_id: row.firmwareId,
      version: row.toVersion,
      update_type: row.updateType,
      download_url: link.url,
      download_expires_at: link.expiresAt.toISOString(),
      file_size: Number(row.fileSize),
      checksum_sha256: row.checksumSha256,
      checksum_md5: row.checksumMd5,
      signature: row.signature,
      signing_key_id: row.signingKeyId,
      force: row.force,
      timeout_at: row.timeoutAt === null ? null : row.timeoutAt.toISOString(),
      activation: row.activation,
      window_ends_at: row.windowEndsAt === null ? null : row.windowEndsAt.toISOString(),
      confirmation_required: row.status === 'awaiting_confirmation',
    };
  }
}

/**
 * A strong ETag over the whole answer (update id, timeout, firmware, the download link of the
 * current window, the poll interval) plus the update's status and retry count, which the body
 * does not show: a status change (the device's own report, a retry) answers 200 again, so the
 * device never acts on a stale view of its job.
 */
function strongEtag(json: string, row: CheckInUpdateRow | null): string {
  const input = row === null ? json : `${json}\u0000${row.status}\u0000${row.retryCount}`;
  return `"${hash('sha256', input, 'base64url').slice(0, 32)}"`;
}

/** `If-None-Match`: `*` or a list of tags; weak comparison, as RFC 9110 asks for this header. */
function etagMatches(header: string, etag: string): boolean {
  // What devices send: the one tag they were given, as given.
  if (header === etag) return true;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === opaque);
}
