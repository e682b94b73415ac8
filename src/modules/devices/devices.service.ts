import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type semver from 'semver';
import type { Principal } from '../../common/auth/principal';
import { NotFoundError, UnauthenticatedError, ValidationError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { listEnvelope } from '../../common/http/pagination.dto';
import { InvalidVersionRangeError, parseVersionRange } from '../../common/versions/version-range-sql';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import type { WriteStep } from '../../database/write-steps';
import type { AuditContext } from '../audit/audit-context';
import { givenFields } from '../audit/audit-summary';
import { AuditService } from '../audit/audit.service';
import { OutboxService } from '../events/outbox.service';
import { DeviceTokenCache } from './authenticators/device-token-cache';
import { DeviceDeletionHook, type DeviceDeletionListener } from './device-deletion-hook';
import type { DeviceCollections, DeviceRecord } from './device-input';
import type { DirectoryDevice } from './directory/device-directory.port';
import { DEVICE_TOKEN_PREFIX, generateDeviceToken, hashDeviceToken } from './device-token';
import { toDeviceResponse } from './device.mapper';
import { DevicesRepository } from './devices.repository';
import type {
  DeviceGroupListResponseDto,
  DeviceListResponseDto,
  DeviceRegistrationResponseDto,
  DeviceResponseDto,
  DeviceTokenResponseDto,
  ListDevicesQueryDto,
} from './dto/device.dto';

/** The device registry of one organization per call: registration, tokens, reads, deletion. */
@Injectable()
export class DevicesService implements OnModuleInit {
  private deletionListeners: DeviceDeletionListener[] = [];
  /** Verified tokens, so authenticating a polling device reads nothing (see DeviceTokenCache). */
  private readonly tokenCache = new DeviceTokenCache();

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: DevicesRepository,
    private readonly outbox: OutboxService,
    private readonly auditLog: AuditService,
    private readonly discovery: DiscoveryService,
  ) {}

  onModuleInit(): void {
    this.deletionListeners = this.discovery
      .getProviders({ metadataKey: DeviceDeletionHook.KEY })
      .map((wrapper) => wrapper.instance as DeviceDeletionListener);
  }

  /**
   * Registers a device, or updates the given fields of an existing one. A new device gets a
   * token, returned once in `device_token`; an existing one keeps its token.
   */
  async register(organizationId: string, record: DeviceRecord, audit: AuditContext): Promise<{ device: DeviceRegistrationResponseDto; created: boolean }> {
    const token = generateDeviceToken();
    const { device, created } = await this.prisma.$transaction(async (tx) => {
      const upserted = await this.repository.upsert(organizationId, record, hashDeviceToken(token), tx);
      await this.auditLog.record(tx, audit, {
        organizationId,
        action: upserted.created ? 'device.registered' : 'device.updated',
        resourceType: 'device',
        resourceId: record.device_id,
        summary: givenFields(record),
      });
      return upserted;
    });
    return { device: created ? { ...toDeviceResponse(device), device_token: token } : toDeviceResponse(device), created };
  }

  /**
   * Mirrors a device the platform's device service announced (created or changed): creates it,
   * or updates the given fields of the existing one, as {@link register} does but issuing no
   * token (the platform's devices authenticate elsewhere; {@link rotateToken} can still issue one).
   */
  async mirror(organizationId: string, record: DeviceRecord): Promise<{ created: boolean }> {
    const { created } = await this.repository.upsert(organizationId, record, null);
    return { created };
  }

  /**
   * Issues a new token; the previous one stops working at once.
   * @throws NotFoundError when the organization has no such device.
   */
  async rotateToken(organizationId: string, deviceId: string, audit: AuditContext): Promise<DeviceTokenResponseDto> {
    const token = generateDeviceToken();
    const device = await this.prisma.$transaction(async (tx) => {
      const replaced = await this.repository.replaceToken(organizationId, deviceId, hashDeviceToken(token), tx);
      // The token itself is never recorded.
      if (replaced) await this.auditLog.record(tx, audit, { organizationId, action: 'device.token_rotated', resourceType: 'device', resourceId: deviceId });
      return replaced;
    });
    // Only this replica forgets the old token at once; others within the cache TTL (30 s).
    this.tokenCache.evictDevice(organizationId, deviceId);
    if (!device) throw notFound(deviceId);
    return { ...toDeviceResponse(device), device_token: token };
  }

  /** @throws NotFoundError when the organization has no such device. */
  async get(organizationId: string, deviceId: string): Promise<DeviceResponseDto> {
    const device = await this.repository.findById(organizationId, deviceId);
    if (!device) throw notFound(deviceId);
    return toDeviceResponse(device);
  }

  /**
   * Registered devices among `deviceIds`, read in one query, in the directory's shape (for bulk
   * work against the built-in registry; a remote directory has no batch lookup).
   */
  async findMany(organizationId: string, deviceIds: string[]): Promise<DirectoryDevice[]> {
    const rows = await this.repository.findManyByIds(organizationId, deviceIds);
    return rows.map((row) => ({
      deviceId: row.deviceId,
      deviceType: row.deviceType,
      deviceModel: row.deviceModel,
      manufacturer: row.manufacturer,
      hardwareVersion: row.hardwareVersion,
      firmwareVersion: row.firmwareVersion,
    }));
  }

  /**
   * The write steps that record that these devices now run these versions (updates completed),
   * for the caller's composed statement. Devices the registry does not hold (remote directory)
   * are left alone.
   */
  installedVersionSteps(installed: { organizationId: string; deviceId: string; version: string }[]): WriteStep[] {
    return this.repository.firmwareVersionSteps(installed);
  }

  /** @throws ValidationError when `firmware_version` is not a semver range. */
  async list(organizationId: string, query: ListDevicesQueryDto): Promise<DeviceListResponseDto> {
    const page = await this.repository.page(
      organizationId,
      {
        deviceType: query.device_type,
        deviceModel: query.device_model,
        group: query.group,
        tag: query.tag,
        firmwareRange: query.firmware_version === undefined ? undefined : firmwareRange(query.firmware_version),
        idPrefix: query.q,
      },
      query.limit,
      query.offset,
    );
    return listEnvelope('devices', { items: page.items.map(toDeviceResponse), total: page.total }, query, {
      device_type: query.device_type ?? null,
      device_model: query.device_model ?? null,
      group: query.group ?? null,
      tag: query.tag ?? null,
      firmware_version: query.firmware_version ?? null,
      q: query.q ?? null,
    });
  }

  /**
   * Replaces the given groups, tags and attributes.
   * @throws NotFoundError when the organization has no such device.
   */
  async update(organizationId: string, deviceId: string, collections: DeviceCollections, audit: AuditContext): Promise<DeviceResponseDto> {
    const device = await this.prisma.$transaction(async (tx) => {
      const updated = await this.repository.updateCollections(organizationId, deviceId, collections, tx);
      if (updated) await this.auditLog.record(tx, audit, { organizationId, action: 'device.updated', resourceType: 'device', resourceId: deviceId, summary: givenFields(collections) });
      return updated;
    });
    if (!device) throw notFound(deviceId);
    return toDeviceResponse(device);
  }

  /**
   * Deletes the device; in the same transaction every {@link DeviceDeletionHook} runs and
   * `device.deleted` is recorded, so all of it happens or none.
   * @throws NotFoundError when the organization has no such device.
   */
  async delete(organizationId: string, deviceId: string, audit: AuditContext): Promise<DeviceResponseDto> {
    const deleted = await this.prisma.$transaction(async (tx) => {
      const device = await this.repository.lockForDelete(organizationId, deviceId, tx);
      if (!device) throw notFound(deviceId);
      await this.deleteWithHooks(organizationId, deviceId, tx);
      await this.outbox.record(tx, {
        type: 'device.deleted',
        organizationId,
        data: { organization_id: organizationId, device_id: deviceId },
      });
      await this.auditLog.record(tx, audit, {
        organizationId,
        action: 'device.deleted',
        resourceType: 'device',
        resourceId: deviceId,
        summary: { device_model: device.deviceModel, firmware_version: device.firmwareVersion },
      });
      return device;
    });
    // After the commit, so a concurrent check-in cannot cache the token again in between.
    this.tokenCache.evictDevice(organizationId, deviceId);
    return toDeviceResponse(deleted);
  }

  /**
   * Follows a deletion by the platform's device service, in one transaction: every
   * {@link DeviceDeletionHook} runs (the device's updates are cancelled) and the mirrored row, if
   * the registry holds one, is deleted. The hooks run also when it holds none (a device only the
   * remote directory knew can still have updates here). Idempotent. Returns whether a row went.
   *
   * Records no `device.deleted`, unlike {@link delete}: that event reports a deletion made here,
   * while this one was made, and announced, by the device service; echoing it would give
   * consumers two events for one deletion (and a loop if the device service reacts to ours).
   */
  async deleteMirrored(organizationId: string, deviceId: string): Promise<boolean> {
    const held = await this.prisma.$transaction(async (tx) => {
      const device = await this.repository.lockForDelete(organizationId, deviceId, tx);
      await this.deleteWithHooks(organizationId, deviceId, tx);
      return device !== null;
    });
    this.tokenCache.evictDevice(organizationId, deviceId);
    return held;
  }

  /** The hooks, then the row (if any), in the caller's transaction; a failing hook undoes it all. */
  private async deleteWithHooks(organizationId: string, deviceId: string, tx: TransactionClient): Promise<void> {
    for (const listener of this.deletionListeners) await listener.onDeviceDeleted(organizationId, deviceId, tx);
    await this.repository.delete(organizationId, deviceId, tx);
  }

  async listGroups(organizationId: string): Promise<DeviceGroupListResponseDto> {
    const groups = await this.repository.groupCounts(organizationId);
    return { groups: groups.map((group) => ({ name: group.name, device_count: group.deviceCount })), total: groups.length };
  }

  /**
   * Resolves `Authorization: Device <token>` to its device.
   * @throws UnauthenticatedError when no device has this token (unknown, or rotated away; other
   *   replicas accept a rotated or deleted token for up to 30 s, see DeviceTokenCache).
   */
  async authenticateToken(token: string): Promise<Principal> {
    if (!token.startsWith(DEVICE_TOKEN_PREFIX)) throw invalidDeviceToken();
    const tokenHash = hashDeviceToken(token);
    const principal = await this.tokenCache.resolve(tokenHash, async () => {
      const device = await this.repository.findByTokenHash(tokenHash);
      return device && { principal: { kind: 'device', id: device.deviceId, organizationId: device.organizationId, roles: [] } };
    });
    if (!principal) throw invalidDeviceToken();
    return principal;
  }
}

function firmwareRange(range: string): semver.Range {
  try {
    return parseVersionRange(range);
  } catch (error) {
    if (!(error instanceof InvalidVersionRangeError)) throw error;
    throw new ValidationError([{ loc: ['query', 'firmware_version'], msg: error.message, type: 'version_range' }]);
  }
}

function invalidDeviceToken(): UnauthenticatedError {
  return new UnauthenticatedError(ErrorCode.InvalidDeviceToken, 'Invalid device token');
}

function notFound(deviceId: string): NotFoundError {
  return new NotFoundError(ErrorCode.DeviceNotFound, `Device ${deviceId} not found`);
}
