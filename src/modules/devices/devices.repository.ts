import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type semver from 'semver';
import { firmwareVersionKey, hardwareVersionKey } from '../../common/versions/version-key';
import { versionRangeCondition } from '../../common/versions/version-range-sql';
import { PrismaService, type TransactionClient } from '../../database/prisma.service';
import { inSequentialChunks } from '../../database/sequential-chunks';
import type { WriteStep } from '../../database/write-steps';
import { type Device, Prisma } from '../../generated/prisma/client';
import type { DeviceCollections, DeviceRecord } from './device-input';

export interface DeviceListFilters {
  deviceType?: string;
  deviceModel?: string;
  group?: string;
  tag?: string;
  firmwareRange?: semver.Range;
  /** Prefix of `device_id`. */
  idPrefix?: string;
}

export interface DeviceGroupCount {
  name: string;
  deviceCount: number;
}

/**
 * Devices per last-seen statement. Chunks this small are joined to the table by primary-key
 * probes; from about a thousand keys on, PostgreSQL (default costs, 100 000 devices) hashed the
 * whole table instead: a scan of every device per flush, 3 to 8 times slower and growing with the
 * fleet.
 */
const LAST_SEEN_ROWS_PER_STATEMENT = 500;

/** The latest report of one device, waiting to be written. */
export interface LastSeenEntry {
  organizationId: string;
  deviceId: string;
  seenAt: Date;
  /** Null when the device reported none. */
  firmwareVersion: string | null;
}

/** What a device's row holds after a last-seen flush: its time (ms; null if never seen) and version. */
export interface StoredLastSeen {
  entry: LastSeenEntry;
  seenAtMs: number | null;
  firmwareVersion: string | null;
}

export interface UpsertCounts {
  created: number;
  updated: number;
}

/** The columns of a device, named as Prisma names the fields of `Device`. */
const DEVICE_COLUMNS = Prisma.raw(`d.organization_id AS "organizationId", d.device_id AS "deviceId", d.device_type AS "deviceType",
  d.device_model AS "deviceModel", d.manufacturer, d.hardware_version AS "hardwareVersion",
  d.hardware_version_key AS "hardwareVersionKey", d.firmware_version AS "firmwareVersion",
  d.firmware_version_key AS "firmwareVersionKey", COALESCE(d.groups, '{}') AS groups, COALESCE(d.tags, '{}') AS tags,
  d.attributes, d.token_hash AS "tokenHash", d.token_issued_at AS "tokenIssuedAt", d.last_seen_at AS "lastSeenAt",
  d.created_at AS "createdAt", d.updated_at AS "updatedAt"`);

/**
 * The record shape of a bulk write: the fields of {@link DeviceRecord} plus the version keys.
 * Lists come as array literals and attributes as json, cast after: PostgreSQL reads those about
 * twice as fast as JSON arrays into `text[]` and objects into `jsonb` inside the record set.
 */
const RECORDSET = Prisma.raw(`v(device_id text, device_type text, device_model text, manufacturer text,
  hardware_version text, hardware_version_key bytea, firmware_version text, firmware_version_key bytea,
  groups text, tags text, attributes json)`);

/**
 * Locks the devices a statement writes in key order before it writes them, whatever join its
 * plan picks: the last-seen flush and a batch of device reports (which records installed
 * versions) write overlapping devices at the same time, and two writers that lock in different
 * orders deadlock.
 */
const KEY_ORDER_LOCK = Prisma.raw('ORDER BY l.organization_id, l.device_id FOR UPDATE OF l');

/** Which of the replaceable collections the rows of one upsert statement carry. */
interface GivenCollections {
  groups: boolean;
  tags: boolean;
  attributes: boolean;
}

@Injectable()
export class DevicesRepository {
  /** Concurrent token lookups, read in one statement (see `findByTokenHash`). */
  private readonly tokenLookups = new DataLoader<string, Device | null>(
    async (tokenHashes) => {
      const devices = await this.prisma.device.findMany({ where: { tokenHash: { in: [...tokenHashes] } } });
      const byHash = new Map(devices.map((device) => [device.tokenHash, device]));
      return tokenHashes.map((tokenHash) => byHash.get(tokenHash) ?? null);
    },
    // Dispatched after the event loop's I/O phase, not at the end of the tick: each request is
    // read in a callback of its own, and a tick would hold the lookups of one request only.
    { cache: false, maxBatchSize: 1_000, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
  );

  constructor(private readonly prisma: PrismaService) {}

  findById(organizationId: string, deviceId: string, tx: TransactionClient = this.prisma): Promise<Device | null> {
    return tx.device.findUnique({ where: { organizationId_deviceId: { organizationId, deviceId } } });
  }

  /**
   * The device holding this token hash, or null. Outside a transaction, the lookups of concurrent
   * requests share one indexed read: token cache entries of a fleet that started polling together
   * expire together too, and one statement per token would then cost a round trip per device.
   */
  findByTokenHash(tokenHash: string, tx?: TransactionClient): Promise<Device | null> {
    return tx ? tx.device.findUnique({ where: { tokenHash } }) : this.tokenLookups.load(tokenHash);
  }

  /**
   * Creates the device, or updates the given fields of the existing one, in one statement (so
   * two registrations of the same id cannot both create). A new device gets `tokenHash` (none
   * when null); an existing one keeps its token.
   */
  async upsert(
    organizationId: string,
    record: DeviceRecord,
    tokenHash: string | null,
    tx: TransactionClient = this.prisma,
  ): Promise<{ device: Device; created: boolean }> {
    const given = { groups: record.groups !== null, tags: record.tags !== null, attributes: record.attributes !== null };
    const [row] = await tx.$queryRaw<(Device & { created: boolean })[]>`
      ${upsertStatement(organizationId, [record], given, tokenHash, new VersionKeys())}
      RETURNING ${DEVICE_COLUMNS}, (d.xmax = 0) AS created`;
    const { created, ...device } = row;
    return { device, created };
  }

  /**
   * Creates or updates many devices with one statement per distinct combination of given
   * collections (normally one). The ids must be distinct: a statement cannot touch a row twice.
   * New devices get no token.
   */
  async upsertMany(organizationId: string, records: DeviceRecord[], tx: TransactionClient): Promise<UpsertCounts> {
    const counts: UpsertCounts = { created: 0, updated: 0 };
    const keys = new VersionKeys();
    for (const [mask, group] of groupByGivenCollections(records)) {
      const given = { groups: (mask & 1) !== 0, tags: (mask & 2) !== 0, attributes: (mask & 4) !== 0 };
      const [row] = await tx.$queryRaw<{ created: number; updated: number }[]>`
        WITH written AS (
          ${upsertStatement(organizationId, group, given, null, keys)}
          RETURNING (d.xmax = 0) AS created
        )
        SELECT count(*) FILTER (WHERE created)::int AS created, count(*) FILTER (WHERE NOT created)::int AS updated FROM written`;
      counts.created += row.created;
      counts.updated += row.updated;
    }
    return counts;
  }

  /** The organization's devices among `deviceIds`, in one query (absent ids are simply missing). */
  findManyByIds(organizationId: string, deviceIds: string[], tx: TransactionClient = this.prisma): Promise<Device[]> {
    return tx.device.findMany({ where: { organizationId, deviceId: { in: deviceIds } } });
  }

  /**
   * The write step that records the firmware many devices now run (with the sort keys); devices
   * that do not exist are skipped. A device listed twice gets its last entry. None for no entries.
   * Rows are locked in key order first ({@link KEY_ORDER_LOCK}), as the last-seen flush locks them.
   */
  firmwareVersionSteps(entries: { organizationId: string; deviceId: string; version: string }[]): WriteStep[] {
    const latest = new Map(entries.map((entry) => [`${entry.organizationId}\u0000${entry.deviceId}`, entry]));
    if (latest.size === 0) return [];
    const rows = [...latest.values()];
    const keys = hexVersionKeys(rows.map((row) => row.version));
    return [
      {
        name: 'devices_versions_set',
        sql: Prisma.sql`
          UPDATE ota.devices d SET firmware_version = v.firmware_version, firmware_version_key = decode(v.firmware_version_key, 'hex'), updated_at = now()
            FROM (SELECT l.organization_id, l.device_id, u.firmware_version, u.firmware_version_key
                    FROM ota.devices l
                    JOIN unnest(${rows.map((row) => row.organizationId)}::text[], ${rows.map((row) => row.deviceId)}::text[],
                                ${rows.map((row) => row.version)}::text[], ${rows.map((row) => keys.get(row.version) ?? null)}::text[])
                         AS u(organization_id, device_id, firmware_version, firmware_version_key)
                      ON l.organization_id = u.organization_id AND l.device_id = u.device_id
                   ${KEY_ORDER_LOCK}) v
           WHERE d.organization_id = v.organization_id AND d.device_id = v.device_id`,
      },
    ];
  }

  /** Replaces the token; null when the organization has no such device. */
  async replaceToken(organizationId: string, deviceId: string, tokenHash: string, tx: TransactionClient = this.prisma): Promise<Device | null> {
    const [row] = await tx.$queryRaw<Device[]>`
      UPDATE ota.devices d SET token_hash = ${tokenHash}, token_issued_at = now(), updated_at = now()
      WHERE d.organization_id = ${organizationId} AND d.device_id = ${deviceId}
      RETURNING ${DEVICE_COLUMNS}`;
    return row ?? null;
  }

  /** Replaces the given collections; null when the organization has no such device. */
  async updateCollections(
    organizationId: string,
    deviceId: string,
    collections: DeviceCollections,
    tx: TransactionClient = this.prisma,
  ): Promise<Device | null> {
    const sets = [Prisma.sql`updated_at = now()`];
    if (collections.groups !== null) sets.push(Prisma.sql`groups = ${collections.groups}::text[]`);
    if (collections.tags !== null) sets.push(Prisma.sql`tags = ${collections.tags}::text[]`);
    if (collections.attributes !== null) sets.push(Prisma.sql`attributes = ${JSON.stringify(collections.attributes)}::jsonb`);
    const [row] = await tx.$queryRaw<Device[]>`
      UPDATE ota.devices d SET ${Prisma.join(sets, ', ')}
      WHERE d.organization_id = ${organizationId} AND d.device_id = ${deviceId}
      RETURNING ${DEVICE_COLUMNS}`;
    return row ?? null;
  }

  /** Locks the row until the transaction ends, so nothing works on the device while it is deleted. */
  async lockForDelete(organizationId: string, deviceId: string, tx: TransactionClient): Promise<Device | null> {
    const [row] = await tx.$queryRaw<Device[]>`
      SELECT ${DEVICE_COLUMNS} FROM ota.devices d
      WHERE d.organization_id = ${organizationId} AND d.device_id = ${deviceId} FOR UPDATE`;
    return row ?? null;
  }

  async delete(organizationId: string, deviceId: string, tx: TransactionClient): Promise<void> {
    await tx.$executeRaw`DELETE FROM ota.devices WHERE organization_id = ${organizationId} AND device_id = ${deviceId}`;
  }

  /** One page, newest first (ties by id), with the total for the envelope. */
  async page(organizationId: string, filters: DeviceListFilters, limit: number, offset: number): Promise<{ items: Device[]; total: number }> {
    const where = Prisma.join(listConditions(organizationId, filters), ' AND ');
    const [items, [{ total }]] = await this.prisma.$transaction([
      this.prisma.$queryRaw<Device[]>`
        SELECT ${DEVICE_COLUMNS} FROM ota.devices d WHERE ${where}
        ORDER BY d.created_at DESC, d.device_id ASC LIMIT ${limit} OFFSET ${offset}`,
      this.prisma.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM ota.devices d WHERE ${where}`,
    ]);
    return { items, total };
  }

  /**
   * Writes many devices' last-seen times (never moving one back) and reported firmware versions
   * (with their keys). Devices that no longer exist are skipped, and so are devices whose stored
   * time is less than `resolutionSeconds` older and whose version is unchanged: matching a row
   * costs an index probe, writing it a new row version and its WAL.
   *
   * In key order, {@link LAST_SEEN_ROWS_PER_STATEMENT} devices per statement, in turn. Key order
   * keeps the probes close together and lets concurrent flushes (other replicas) lock rows in the
   * same order, never in a cycle.
   *
   * Returns what each existing device's row holds after its statement, written or not (read under
   * the row lock; the time rounded down to the millisecond, so it never overstates the stored
   * one), as one JSON value per statement rather than a row per device.
   */
  async recordLastSeen(entries: LastSeenEntry[], resolutionSeconds: number): Promise<StoredLastSeen[]> {
    const keys = hexVersionKeys(entries.flatMap((entry) => entry.firmwareVersion ?? []));
    const versionKey = (version: string | null) => (version === null ? null : (keys.get(version) ?? null));
    const sorted = [...entries].sort(byDeviceKey);
    // One JSON parameter rather than five arrays: pg builds array literals element by element,
    // which made these flushes a large share of the garbage a check-in load leaves.
    const writeChunk = async (chunk: LastSeenEntry[]): Promise<StoredLastSeen[]> => {
      const [{ stored }] = await this.prisma.$queryRaw<{ stored: [position: number, seenAtMs: number | null, firmwareVersion: string | null][] }[]>`
        WITH v AS MATERIALIZED (
          SELECT l.organization_id, l.device_id, l.last_seen_at AS stored_at, l.firmware_version AS stored_version,
                 r.seen_at, r.firmware_version, r.firmware_version_key, r.position
            FROM ota.devices l
            JOIN ROWS FROM (json_to_recordset(${lastSeenRecords(chunk, versionKey)}::json)
                   AS (organization_id text, device_id text, seen_at timestamptz, firmware_version text, firmware_version_key text))
                 WITH ORDINALITY AS r(organization_id, device_id, seen_at, firmware_version, firmware_version_key, position)
              ON l.organization_id = r.organization_id AND l.device_id = r.device_id
           ${KEY_ORDER_LOCK}),
        written AS (
          UPDATE ota.devices d SET
            last_seen_at = GREATEST(d.last_seen_at, v.seen_at),
            firmware_version = COALESCE(v.firmware_version, d.firmware_version),
            firmware_version_key = CASE WHEN v.firmware_version IS NULL THEN d.firmware_version_key ELSE decode(v.firmware_version_key, 'hex') END,
            updated_at = CASE WHEN v.firmware_version IS DISTINCT FROM d.firmware_version AND v.firmware_version IS NOT NULL THEN now() ELSE d.updated_at END
            FROM v
           WHERE d.organization_id = v.organization_id AND d.device_id = v.device_id
             AND (d.last_seen_at IS NULL
                  OR v.seen_at >= d.last_seen_at + make_interval(secs => ${resolutionSeconds})
                  OR (v.firmware_version IS NOT NULL AND v.firmware_version IS DISTINCT FROM d.firmware_version
                      -- Replicas flush their buffers in no set order: a version seen before the stored
                      -- time is older news than the version stored, not a change.
                      AND v.seen_at >= d.last_seen_at))
       RETURNING d.organization_id, d.device_id, d.last_seen_at, d.firmware_version)
        SELECT coalesce(json_agg(json_build_array(
                 v.position,
                 floor(extract(epoch FROM coalesce(w.last_seen_at, v.stored_at)) * 1000)::bigint,
                 CASE WHEN w.device_id IS NULL THEN v.stored_version ELSE w.firmware_version END)), '[]') AS stored
          FROM v LEFT JOIN written w ON w.organization_id = v.organization_id AND w.device_id = v.device_id`;
      return stored.map(([position, seenAtMs, firmwareVersion]) => ({ entry: chunk[position - 1], seenAtMs, firmwareVersion }));
    };
    return inSequentialChunks(sorted, writeChunk, LAST_SEEN_ROWS_PER_STATEMENT);
  }

  /** Every group used in the organization with its number of devices, by name. */
  groupCounts(organizationId: string): Promise<DeviceGroupCount[]> {
    return this.prisma.$queryRaw<DeviceGroupCount[]>`
      SELECT g.name, count(*)::int AS "deviceCount"
      FROM ota.devices d CROSS JOIN LATERAL unnest(d.groups) AS g(name)
      WHERE d.organization_id = ${organizationId}
      GROUP BY g.name ORDER BY g.name COLLATE "C"`;
  }
}

/** The rows of {@link DevicesRepository.recordLastSeen} as one JSON array of records. */
function lastSeenRecords(entries: LastSeenEntry[], versionKey: (version: string | null) => string | null): string {
  return JSON.stringify(
    entries.map((entry) => ({
      organization_id: entry.organizationId,
      device_id: entry.deviceId,
      seen_at: entry.seenAt,
      firmware_version: entry.firmwareVersion,
      firmware_version_key: versionKey(entry.firmwareVersion),
    })),
  );
}

/**
 * `INSERT … SELECT … FROM json_to_recordset(…) ON CONFLICT DO UPDATE` for `records`, all carrying
 * the collections in `given`. Scalars not given (null) keep their stored value; a version that is
 * written brings its key along (null when it does not parse). The caller adds `RETURNING`.
 */
function upsertStatement(
  organizationId: string,
  records: DeviceRecord[],
  given: GivenCollections,
  tokenHash: string | null,
  keys: VersionKeys,
): Prisma.Sql {
  const rows = keys.recordSetJson(records);
  const updates = [
    Prisma.sql`device_type = COALESCE(EXCLUDED.device_type, d.device_type)`,
    Prisma.sql`device_model = COALESCE(EXCLUDED.device_model, d.device_model)`,
    Prisma.sql`manufacturer = COALESCE(EXCLUDED.manufacturer, d.manufacturer)`,
    Prisma.sql`hardware_version = COALESCE(EXCLUDED.hardware_version, d.hardware_version)`,
    Prisma.sql`hardware_version_key = CASE WHEN EXCLUDED.hardware_version IS NULL THEN d.hardware_version_key ELSE EXCLUDED.hardware_version_key END`,
    Prisma.sql`firmware_version = COALESCE(EXCLUDED.firmware_version, d.firmware_version)`,
    Prisma.sql`firmware_version_key = CASE WHEN EXCLUDED.firmware_version IS NULL THEN d.firmware_version_key ELSE EXCLUDED.firmware_version_key END`,
    ...(given.groups ? [Prisma.sql`groups = EXCLUDED.groups`] : []),
    ...(given.tags ? [Prisma.sql`tags = EXCLUDED.tags`] : []),
    ...(given.attributes ? [Prisma.sql`attributes = EXCLUDED.attributes`] : []),
    Prisma.sql`updated_at = now()`,
  ];
  return Prisma.sql`
    INSERT INTO ota.devices AS d (organization_id, device_id, device_type, device_model, manufacturer,
      hardware_version, hardware_version_key, firmware_version, firmware_version_key, groups, tags, attributes,
      token_hash, token_issued_at, created_at, updated_at)
    SELECT ${organizationId}, v.device_id, v.device_type, v.device_model, v.manufacturer,
      v.hardware_version, v.hardware_version_key, v.firmware_version, v.firmware_version_key,
      COALESCE(v.groups::text[], '{}'), COALESCE(v.tags::text[], '{}'), COALESCE(v.attributes::jsonb, '{}'),
      ${tokenHash}::char(64), ${tokenHash === null ? Prisma.sql`NULL` : Prisma.sql`now()`}, now(), now()
    FROM json_to_recordset(${rows}::json) AS ${RECORDSET}
    ON CONFLICT (organization_id, device_id) DO UPDATE SET ${Prisma.join(updates, ', ')}`;
}

/** Version sort keys, computed once per distinct version: a fleet runs few versions. */
class VersionKeys {
  private readonly firmware = new Map<string, string | null>();
  private readonly hardware = new Map<string, string | null>();

  /** The records as the JSON of the statement's record set, with the keys of their versions. */
  recordSetJson(records: DeviceRecord[]): string {
    return JSON.stringify(
      records.map((record) => ({
        device_id: record.device_id,
        device_type: record.device_type,
        device_model: record.device_model,
        manufacturer: record.manufacturer,
        hardware_version: record.hardware_version,
        hardware_version_key: record.hardware_version === null ? null : this.key(this.hardware, record.hardware_version, hardwareVersionKey),
        firmware_version: record.firmware_version,
        firmware_version_key: record.firmware_version === null ? null : this.key(this.firmware, record.firmware_version, firmwareVersionKey),
        groups: record.groups === null ? null : arrayLiteral(record.groups),
        tags: record.tags === null ? null : arrayLiteral(record.tags),
        attributes: record.attributes,
      })),
    );
  }

  /** The key in bytea's text form (`\x…`), or null when the version has none. */
  private key(cache: Map<string, string | null>, version: string, compute: (version: string) => Buffer | null): string | null {
    let key = cache.get(version);
    if (key === undefined) {
      const bytes = compute(version);
      key = bytes === null ? null : `\\x${bytes.toString('hex')}`;
      cache.set(version, key);
    }
    return key;
  }
}

/** A PostgreSQL array literal of texts: each item quoted, `"` and `\` escaped. */
function arrayLiteral(items: string[]): string {
  let literal = '{';
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index];
    literal += `${index === 0 ? '' : ','}"${/["\\]/.test(item) ? item.replace(/["\\]/g, '\\$&') : item}"`;
  }
  return `${literal}}`;
}

/** Records by which collections they carry, as a bit mask (groups 1, tags 2, attributes 4). */
function groupByGivenCollections(records: DeviceRecord[]): Map<number, DeviceRecord[]> {
  const groups = new Map<number, DeviceRecord[]>();
  for (const record of records) {
    const mask = (record.groups !== null ? 1 : 0) | (record.tags !== null ? 2 : 0) | (record.attributes !== null ? 4 : 0);
    const group = groups.get(mask);
    if (group) group.push(record);
    else groups.set(mask, [record]);
  }
  return groups;
}

function listConditions(organizationId: string, filters: DeviceListFilters): Prisma.Sql[] {
  const conditions = [Prisma.sql`d.organization_id = ${organizationId}`];
  if (filters.deviceType !== undefined) conditions.push(Prisma.sql`d.device_type = ${filters.deviceType}`);
  if (filters.deviceModel !== undefined) conditions.push(Prisma.sql`d.device_model = ${filters.deviceModel}`);
  if (filters.group !== undefined) conditions.push(Prisma.sql`d.groups @> ARRAY[${filters.group}]::text[]`);
  if (filters.tag !== undefined) conditions.push(Prisma.sql`d.tags @> ARRAY[${filters.tag}]::text[]`);
  if (filters.firmwareRange !== undefined) conditions.push(versionRangeCondition(filters.firmwareRange, Prisma.raw('d.firmware_version_key')));
  if (filters.idPrefix !== undefined) conditions.push(Prisma.sql`d.device_id LIKE ${`${escapeLike(filters.idPrefix)}%`} ESCAPE '\\'`);
  return conditions;
}

/** `%`, `_` and the escape character itself match literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** The hex sort key of each distinct version (null for one that is not semver), computed once per version. */
function hexVersionKeys(versions: readonly string[]): Map<string, string | null> {
  const keys = new Map<string, string | null>();
  for (const version of versions) if (!keys.has(version)) keys.set(version, firmwareVersionKey(version)?.toString('hex') ?? null);
  return keys;
}

/** Organization, then device id, by code unit: any fixed order serves (locality, lock order). */
function byDeviceKey(a: LastSeenEntry, b: LastSeenEntry): number {
  if (a.organizationId !== b.organizationId) return a.organizationId < b.organizationId ? -1 : 1;
  if (a.deviceId !== b.deviceId) return a.deviceId < b.deviceId ? -1 : 1;
  return 0;
}
