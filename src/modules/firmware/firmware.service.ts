import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../../common/auth/principal';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { listEnvelope } from '../../common/http/pagination.dto';
import { APP_CONFIG, type AppConfig } from '../../config';
import { PrismaService } from '../../database/prisma.service';
import type { WriteStep } from '../../database/write-steps';
import type { Firmware } from '../../generated/prisma/client';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { OutboxService } from '../events/outbox.service';
import { type DownloadLink, STORAGE, type StoragePort } from '../storage/storage.port';
import type { FirmwareDownloadResponseDto, FirmwareListResponseDto, FirmwareResponseDto, ListFirmwareQueryDto } from './dto/firmware.dto';
import { type FirmwareUsage, FirmwareUsageCheck } from './firmware-usage';
import { toFirmwareResponse } from './firmware.mapper';
import { FirmwareRepository } from './firmware.repository';

/** Reading, downloading and deleting firmware; every call is scoped to one organization. */
@Injectable()
export class FirmwareService implements OnModuleInit {
  private readonly logger = new Logger('Firmware');
  private usages: FirmwareUsage[] = [];
  /** Download links of recent windows, by storage key, file name and window (old windows age out). */
  private readonly windowLinks = new LRUCache<string, Promise<DownloadLink>>({ max: 1_000 });

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: FirmwareRepository,
    private readonly outbox: OutboxService,
    private readonly auditLog: AuditService,
    private readonly discovery: DiscoveryService,
    @Inject(STORAGE) private readonly storage: StoragePort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.usages = this.discovery
      .getProviders({ metadataKey: FirmwareUsageCheck.KEY })
      .map((wrapper) => wrapper.instance as FirmwareUsage);
  }

  async list(organizationId: string, query: ListFirmwareQueryDto): Promise<FirmwareListResponseDto> {
    const filters = {
      device_model: query.device_model ?? null,
      manufacturer: query.manufacturer ?? null,
      is_beta: query.is_beta ?? null,
      is_security_update: query.is_security_update ?? null,
    };
    const page = await this.repository.page(
      organizationId,
      { deviceModel: query.device_model, manufacturer: query.manufacturer, isBeta: query.is_beta, isSecurityUpdate: query.is_security_update },
      query.limit,
      query.offset,
    );
    return listEnvelope('firmware', { items: page.items.map((row) => this.toResponse(row)), total: page.total }, query, filters);
  }

  /** @throws NotFoundError when the organization has no such firmware. */
  async get(organizationId: string, firmwareId: string): Promise<FirmwareResponseDto> {
    return this.toResponse(await this.require(organizationId, firmwareId));
  }

  /** These firmware by id, in one read; an id the organization does not have (deleted since) maps to null. */
  async findMany(organizationId: string, firmwareIds: readonly string[]): Promise<Map<string, FirmwareResponseDto | null>> {
    const distinct = [...new Set(firmwareIds)];
    const found = new Map<string, FirmwareResponseDto | null>(distinct.map((id) => [id, null]));
    if (distinct.length === 0) return found;
    for (const row of await this.repository.findManyByIds(organizationId, distinct)) found.set(row.firmwareId, this.toResponse(row));
    return found;
  }

  /** The firmware of `deviceModel` with exactly this `version`, or null (rollback targets). */
  async findByModelAndVersion(organizationId: string, deviceModel: string, version: string): Promise<FirmwareResponseDto | null> {
    const row = await this.repository.findByModelAndVersion(organizationId, deviceModel, version);
    return row ? this.toResponse(row) : null;
  }

  /**
   * A short-lived URL for the binary; each one issued is counted and recorded (who, when, and the
   * device when a device asks).
   * @throws NotFoundError when the organization has no such firmware.
   */
  async issueDownload(
    organizationId: string,
    firmwareId: string,
    requester: Principal,
    deviceId: string | null = null,
  ): Promise<FirmwareDownloadResponseDto> {
    const firmware = await this.require(organizationId, firmwareId);
    const link = await this.storage.downloadUrl(firmware.storageKey, {
      ttlSeconds: this.config.storage.downloadUrlTtlSeconds,
      fileName: firmware.fileName,
    });
    await this.prisma.$transaction((tx) =>
      this.repository.recordDownload(
        {
          organizationId,
          firmwareId,
          requestedBy: requester.id,
          requestedByKind: requester.kind,
          deviceId,
          fileSize: firmware.fileSize,
          expiresAt: link.expiresAt,
        },
        tx,
      ),
    );
    return {
      download_url: link.url,
      expires_at: link.expiresAt.toISOString(),
      checksum_md5: firmware.checksumMd5,
      checksum_sha256: firmware.checksumSha256,
      file_size: Number(firmware.fileSize),
    };
  }

  /**
   * The download link a device gets for a firmware at `now`, without recording anything (the
   * check-in hot path writes nothing; the download is recorded when the device reports it, see
   * {@link deviceDownloadSteps}). Links are issued per window of half the TTL: every call in one
   * window gets the same URL (so the check-in answer and its ETag stay stable), and a link handed
   * out is valid for at least TTL/2.
   */
  downloadLinkFor(firmware: { storageKey: string; fileName: string }, now: Date = new Date()): Promise<DownloadLink> {
    const issuedAt = this.downloadWindowStart(now);
    // The link is a pure function of these three, so signing it once per window is enough: a
    // rollout's check-ins then cost no signature each (an S3 presign is the dearest part).
    const cacheKey = `${firmware.storageKey}\u0000${firmware.fileName}\u0000${issuedAt.getTime()}`;
    let link = this.windowLinks.get(cacheKey);
    if (link === undefined) {
      link = this.storage.downloadUrl(firmware.storageKey, { ttlSeconds: this.config.storage.downloadUrlTtlSeconds, fileName: firmware.fileName, issuedAt });
      this.windowLinks.set(cacheKey, link);
      // A failed signing is not remembered.
      link.catch(() => this.windowLinks.delete(cacheKey));
    }
    return link;
  }

  /** Start of the link window containing `now`: a multiple of TTL/2 (whole seconds, at least 1). */
  downloadWindowStart(now: Date = new Date()): Date {
    const halfMs = this.downloadWindowMs();
    return new Date(Math.floor(now.getTime() / halfMs) * halfMs);
  }

  /** When the window containing `now` ends and links are handed out anew (ms since the epoch). */
  downloadWindowEnd(now: Date = new Date()): number {
    return this.downloadWindowStart(now).getTime() + this.downloadWindowMs();
  }

  private downloadWindowMs(): number {
    return Math.max(1, Math.floor(this.config.storage.downloadUrlTtlSeconds / 2)) * 1000;
  }

  /**
   * The write steps that record that devices download these firmware through the links of their
   * check-ins (once per update attempt, when a device reports downloading; the batch of device
   * reports), so download counts and "data transferred" statistics stay real; none for no
   * downloads. Downloads of a firmware deleted meanwhile are not recorded.
   */
  deviceDownloadSteps(downloads: { organizationId: string; firmwareId: string; deviceId: string }[]): WriteStep[] {
    if (downloads.length === 0) return [];
    const expiresAt = new Date(this.downloadWindowStart().getTime() + this.config.storage.downloadUrlTtlSeconds * 1000);
    return this.repository.deviceDownloadSteps(downloads, expiresAt);
  }

  /**
   * Deletes the firmware and its binary, and emits `firmware.deleted`.
   * @throws NotFoundError when the organization has no such firmware.
   * @throws ConflictError while an unfinished update or campaign uses it.
   */
  async delete(organizationId: string, firmwareId: string, audit: AuditContext): Promise<FirmwareResponseDto> {
    const deleted = await this.prisma.$transaction(async (tx) => {
      const firmware = await this.repository.lockForDelete(organizationId, firmwareId, tx);
      if (!firmware) throw notFound(firmwareId);
      for (const usage of this.usages) {
        const use = await usage.describeActiveUse(organizationId, firmwareId, tx);
        if (use !== null) throw new ConflictError(ErrorCode.FirmwareInUse, `Firmware ${firmwareId} is in use: ${use}`);
      }
      await this.repository.delete(organizationId, firmwareId, tx);
      await this.outbox.record(tx, {
        type: 'firmware.deleted',
        organizationId,
        data: {
          organization_id: organizationId,
          firmware_id: firmwareId,
          name: firmware.name,
          version: firmware.version,
          device_model: firmware.deviceModel,
          deleted_by: audit.principal.id,
        },
      });
      await this.auditLog.record(tx, audit, {
        organizationId,
        action: 'firmware.deleted',
        resourceType: 'firmware',
        resourceId: firmwareId,
        summary: { name: firmware.name, version: firmware.version, device_model: firmware.deviceModel },
      });
      return firmware;
    });
    // After the commit: a binary without a row is only garbage, a row without a binary would
    // hand out URLs that fail.
    await this.storage.delete(deleted.storageKey).catch((error: unknown) => {
      this.logger.error(`Firmware ${firmwareId} deleted but its object ${deleted.storageKey} was not: ${(error as Error).message}`);
    });
    return this.toResponse(deleted);
  }

  private async require(organizationId: string, firmwareId: string): Promise<Firmware> {
    const firmware = await this.repository.findById(organizationId, firmwareId);
    if (!firmware) throw notFound(firmwareId);
    return firmware;
  }

  private toResponse(row: Firmware): FirmwareResponseDto {
    return toFirmwareResponse(row, this.config.publicBaseUrl);
  }
}

function notFound(firmwareId: string): NotFoundError {
  return new NotFoundError(ErrorCode.FirmwareNotFound, `Firmware ${firmwareId} not found`);
}
