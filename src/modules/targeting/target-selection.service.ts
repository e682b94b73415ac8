import { Inject, Injectable } from '@nestjs/common';
import { hardwareVersionKey, firmwareVersionKey } from '../../common/versions/version-key';
import { Prisma } from '../../generated/prisma/client';
import { DEVICE_DIRECTORY, type DeviceDirectory, type DirectoryDevice } from '../devices/directory/device-directory.port';
import { FirmwareService } from '../firmware/firmware.service';
import type { TargetPreviewRequestDto, TargetPreviewResponseDto } from './dto/target-preview.dto';
import { PREVIEW_SAMPLE_SIZE } from './dto/target-preview.dto';
import { resolveTarget } from './target-resolution';
import { DEFAULT_PREVIEW_SEED, type ResolvedTarget, type TargetFirmware, type TargetSpec } from './target-spec';
import { REGISTRY_SOURCE, type TargetCounts, TargetsRepository } from './targets.repository';

/** One set of devices a spec selects from: the registry, or the devices a remote directory answered for. */
interface TargetPart {
  target: ResolvedTarget;
  source: Prisma.Sql;
}

/** A campaign's selection at start: the query of its devices and how many were already on the version. */
export interface CampaignSelection {
  /** Columns `device_id`, `firmware_version`, `sample_hash`, `time_zone`; each device once. */
  query: Prisma.Sql;
  counts: TargetCounts;
}

/**
 * Which devices a rollout means: counted for a preview, or as one query for a campaign's single
 * INSERT … SELECT. With a remote device directory (`DEVICE_SERVICE_URL`) explicit device ids
 * are looked up there (and left out of the registry's part), while groups and filters select
 * from the registry, which the platform's device events keep as a mirror.
 */
@Injectable()
export class TargetSelectionService {
  constructor(
    private readonly repository: TargetsRepository,
    private readonly firmware: FirmwareService,
    @Inject(DEVICE_DIRECTORY) private readonly directory: DeviceDirectory,
  ) {}

  /**
   * The SQL conditions and hash order of a target spec over `ota.devices d`; nothing is read.
   * @throws ValidationError `target/no_targets`, `target/invalid_filter` (each bad key named),
   *   `request/validation_failed` (rollout percentage).
   */
  resolve(organizationId: string, spec: TargetSpec, firmware: TargetFirmware | null = null): ResolvedTarget {
    return resolveTarget(organizationId, spec, firmware);
  }

  /**
   * What a campaign with these targets would hit: four counts from one aggregate query and the
   * first selected ids from one more (per source).
   * @throws ValidationError as `resolve`.
   * @throws NotFoundError `firmware/not_found` for an unknown `firmware_id`.
   * @throws DependencyUnavailableError when a remote directory cannot answer.
   */
  async preview(organizationId: string, request: TargetPreviewRequestDto): Promise<TargetPreviewResponseDto> {
    const spec: TargetSpec = {
      targetDevices: request.target_devices,
      targetGroups: request.target_groups,
      targetFilters: request.target_filters,
      rolloutPercentage: request.rollout_percentage,
      seed: request.seed ?? DEFAULT_PREVIEW_SEED,
    };
    // Refuse a bad spec before looking the firmware up, so a 422 does not hide behind a 404.
    this.resolve(organizationId, spec);
    const firmware = request.firmware_id ? await this.firmware.get(organizationId, request.firmware_id) : null;
    const parts = await this.parts(organizationId, spec, firmware);
    const [counts, samples] = await Promise.all([
      this.count(parts),
      Promise.all(parts.map((part) => this.repository.firstSelected(part.target, PREVIEW_SAMPLE_SIZE, part.source))),
    ]);
    const sample = samples
      .flat()
      .sort((a, b) => (a.sample_hash < b.sample_hash ? -1 : a.sample_hash > b.sample_hash ? 1 : a.device_id < b.device_id ? -1 : 1))
      .slice(0, PREVIEW_SAMPLE_SIZE)
      .map((row) => row.device_id);
    return {
      matched: counts.matched,
      compatible: counts.compatible,
      already_on_target_version: counts.alreadyOnTargetVersion,
      selected: counts.selected,
      sample,
    };
  }

  /** The counts of a preview for a spec whose firmware is known (a campaign's `target_device_count`). */
  async counts(organizationId: string, spec: TargetSpec, firmware: TargetFirmware): Promise<TargetCounts> {
    return this.count(await this.parts(organizationId, spec, firmware));
  }

  /**
   * The devices a campaign selects now, as one query for its INSERT … SELECT, and the counts of
   * the same spec (read just before; the insert's own count of rows is what the campaign keeps).
   * @throws ValidationError as `resolve`; DependencyUnavailableError from a remote directory.
   */
  async campaignSelection(organizationId: string, spec: TargetSpec, firmware: TargetFirmware): Promise<CampaignSelection> {
    const parts = await this.parts(organizationId, spec, firmware);
    const counts = await this.count(parts);
    const queries = parts.map((part) => this.repository.selectionQuery(part.target, part.source));
    const query =
      queries.length === 0
        ? Prisma.sql`SELECT NULL::text AS device_id, NULL::text AS firmware_version, NULL::bigint AS sample_hash, NULL::text AS time_zone WHERE FALSE`
        : Prisma.join(queries, ' UNION ALL ');
    return { query, counts };
  }

  /**
   * The registry's devices this spec selects that changed after `since` (see
   * `TargetsRepository.changedSelectionQuery`). Devices only a remote directory knows are not in
   * the registry and are not looked for.
   * @throws ValidationError as `resolve`.
   */
  changedSince(organizationId: string, spec: TargetSpec, firmware: TargetFirmware, since: Date): Prisma.Sql {
    return this.repository.changedSelectionQuery(this.resolve(organizationId, spec, firmware), since);
  }

  private async count(parts: TargetPart[]): Promise<TargetCounts> {
    const counts = await Promise.all(parts.map((part) => this.repository.count(part.target, part.source)));
    return counts.reduce(
      (sum, part) => ({
        matched: sum.matched + part.matched,
        compatible: sum.compatible + part.compatible,
        alreadyOnTargetVersion: sum.alreadyOnTargetVersion + part.alreadyOnTargetVersion,
        selected: sum.selected + part.selected,
      }),
      { matched: 0, compatible: 0, alreadyOnTargetVersion: 0, selected: 0 },
    );
  }

  /**
   * The registry's part, and with a remote directory the part of the explicit devices it knows
   * (disjoint: the registry's part leaves those ids out). Validates the whole spec first.
   */
  private async parts(organizationId: string, spec: TargetSpec, firmware: TargetFirmware | null): Promise<TargetPart[]> {
    const whole = this.resolve(organizationId, spec, firmware);
    const explicit = [...new Set(spec.targetDevices ?? [])];
    if (this.directory.mode !== 'remote' || explicit.length === 0) return [{ target: whole, source: REGISTRY_SOURCE }];
    const remote = [...(await this.directory.findMany(organizationId, explicit)).values()];
    const parts: TargetPart[] = [];
    const rest: TargetSpec = { ...spec, targetDevices: undefined, excludeDevices: remote.map((device) => device.deviceId) };
    if ((spec.targetGroups?.length ?? 0) > 0 || Object.keys(spec.targetFilters ?? {}).length > 0) {
      parts.push({ target: this.resolve(organizationId, rest, firmware), source: REGISTRY_SOURCE });
    }
    if (remote.length > 0) {
      const target = this.resolve(organizationId, { ...spec, targetGroups: undefined, targetFilters: undefined, targetDevices: remote.map((device) => device.deviceId) }, firmware);
      parts.push({ target, source: remoteSource(organizationId, remote) });
    }
    return parts;
  }
}

/**
 * Devices a remote directory answered for, as a row source under the registry's alias `d` with
 * the columns the target conditions read (version keys computed as the registry computes them).
 */
function remoteSource(organizationId: string, devices: DirectoryDevice[]): Prisma.Sql {
  const rows = JSON.stringify(
    devices.map((device) => ({
      organization_id: organizationId,
      device_id: device.deviceId,
      device_type: device.deviceType,
      device_model: device.deviceModel,
      manufacturer: device.manufacturer,
      hardware_version: device.hardwareVersion,
      hardware_version_key: hardwareVersionKey(device.hardwareVersion)?.toString('hex') ?? null,
      firmware_version: device.firmwareVersion,
      firmware_version_key: firmwareVersionKey(device.firmwareVersion)?.toString('hex') ?? null,
    })),
  );
  return Prisma.sql`(
    SELECT r.organization_id, r.device_id, r.device_type, r.device_model, r.manufacturer, r.hardware_version,
           decode(r.hardware_version_key, 'hex') AS hardware_version_key, r.firmware_version,
           decode(r.firmware_version_key, 'hex') AS firmware_version_key,
           '{}'::text[] AS groups, '{}'::text[] AS tags, '{}'::jsonb AS attributes
      FROM json_to_recordset(${rows}::json) AS r(organization_id text, device_id text, device_type text, device_model text,
             manufacturer text, hardware_version text, hardware_version_key text, firmware_version text, firmware_version_key text)
  ) d`;
}
