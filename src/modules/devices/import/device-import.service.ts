import { Inject, Injectable } from '@nestjs/common';
import type { FieldError } from '../../../common/errors/domain-error';
import { PayloadTooLargeError, ValidationError } from '../../../common/errors/domain-error';
import { ErrorCode } from '../../../common/errors/error-codes';
import { APP_CONFIG, type AppConfig } from '../../../config';
import { PrismaService, type TransactionClient } from '../../../database/prisma.service';
import type { AuditContext } from '../../audit/audit-context';
import { AuditService } from '../../audit/audit.service';
import { type DeviceRecord, describeErrors, isDeviceId, readDeviceRecord } from '../device-input';
import { DevicesRepository, type UpsertCounts } from '../devices.repository';
import type { DeviceImportFailureDto, DeviceImportResponseDto } from '../dto/device.dto';
import { BatchChannel } from './batch-channel';
import { NdjsonTooLargeError, ndjsonLines } from './ndjson';

/** Rows one import may carry; more is refused as a whole (413) and nothing of it is kept. */
export const MAX_IMPORT_ROWS = 100_000;
/** Rows per statement: large enough that per-statement costs vanish, small enough for quick statements. */
const WRITE_BATCH_SIZE = 5_000;
/** An import of the largest size takes seconds; the default 5 s of an interactive transaction is too short. */
const IMPORT_TRANSACTION_TIMEOUT_MS = 10 * 60_000;

/** The body of an import as the route received it: the parsed JSON, or the NDJSON byte stream. */
export type DeviceImportBody = unknown;

export interface DeviceImportOptions {
  /** `Content-Length`, when the client declared it: an NDJSON body over the limit is refused unread. */
  declaredBytes?: number;
}

/**
 * Bulk registration. Every row is checked with the rules of `POST /devices`; the good rows are
 * written in batched statements inside one transaction, so an import is written entirely or (on a
 * database failure, or too many rows) not at all, while a bad row only lands in `failed`.
 */
@Injectable()
export class DeviceImportService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: DevicesRepository,
    private readonly auditLog: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Imports a JSON array of devices or an NDJSON stream of them. Imported devices get no token.
   * An import that writes anything is audited once (`device.imported`, with its counts), in its transaction.
   * Batches are written while the next ones are read (the database and the parsing work at the
   * same time), in one transaction opened with the first full batch, so an import is committed
   * whole or, on any failure, not at all. Small imports are read before the transaction opens.
   * @throws ValidationError when the body is neither an array nor NDJSON.
   * @throws PayloadTooLargeError for more than {@link MAX_IMPORT_ROWS} rows or an NDJSON body over `DEVICE_IMPORT_MAX_BYTES`.
   */
  async import(organizationId: string, body: DeviceImportBody, audit: AuditContext, options: DeviceImportOptions = {}): Promise<DeviceImportResponseDto> {
    const rows = new ImportRows();
    // Runs after the last batch, when every row has been read, so the failed count is final.
    const recordImport = (tx: TransactionClient, counts: UpsertCounts) =>
      this.auditLog.record(tx, audit, { organizationId, action: 'device.imported', resourceType: 'device', resourceId: null, summary: { ...counts, failed: rows.failed.length } });
    const transaction = new ImportTransaction(this.prisma, this.repository, organizationId, recordImport);
    try {
      if (Array.isArray(body)) {
        if (body.length > MAX_IMPORT_ROWS) throw tooManyRows();
        for (const item of body as unknown[]) {
          rows.add(item);
          if (rows.pending.length >= WRITE_BATCH_SIZE) await transaction.write(rows.take());
        }
      } else if (isByteStream(body)) {
        await this.readNdjson(body, rows, transaction, options);
      } else {
        throw new ValidationError([
          { loc: ['body'], msg: 'Input should be a JSON array of devices (application/json) or NDJSON (application/x-ndjson)', type: 'list_type' },
        ]);
      }
      if (rows.pending.length > 0) await transaction.write(rows.take());
      const counts = await transaction.commit();
      return { created: counts.created, updated: counts.updated, failed: rows.failed };
    } catch (error) {
      await transaction.rollBack(error);
      throw error;
    }
  }

  private async readNdjson(stream: AsyncIterable<Buffer | string>, rows: ImportRows, transaction: ImportTransaction, options: DeviceImportOptions): Promise<void> {
    const maxBytes = this.config.devices.importMaxBytes;
    if (options.declaredBytes !== undefined && options.declaredBytes > maxBytes) throw bodyTooLarge(maxBytes);
    try {
      for await (const line of ndjsonLines(stream, maxBytes)) {
        if (isBlank(line)) continue;
        if (rows.count >= MAX_IMPORT_ROWS) throw tooManyRows();
        rows.addLine(line);
        if (rows.pending.length >= WRITE_BATCH_SIZE) await transaction.write(rows.take());
      }
    } catch (error) {
      if (error instanceof NdjsonTooLargeError) throw bodyTooLarge(maxBytes);
      throw error;
    }
  }
}

/**
 * The transaction of one import: opened with the first batch, it writes each batch handed to it
 * while the import reads the next (at most one waits), and is committed or rolled back at the end.
 */
class ImportTransaction {
  private channel: BatchChannel<DeviceRecord[]> | null = null;
  private result: Promise<UpsertCounts> = Promise.resolve({ created: 0, updated: 0 });

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: DevicesRepository,
    private readonly organizationId: string,
    private readonly onWritten: (tx: TransactionClient, counts: UpsertCounts) => Promise<void>,
  ) {}

  /** Queues a batch; throws the database's error if an earlier batch failed. */
  async write(records: DeviceRecord[]): Promise<void> {
    this.channel ??= this.open();
    await this.channel.push(records);
  }

  commit(): Promise<UpsertCounts> {
    this.channel?.close();
    return this.result;
  }

  async rollBack(reason: unknown): Promise<void> {
    this.channel?.fail(reason);
    await this.result.catch(() => undefined);
  }

  private open(): BatchChannel<DeviceRecord[]> {
    const channel = new BatchChannel<DeviceRecord[]>();
    this.result = this.prisma.$transaction(
      async (tx) => {
        const total: UpsertCounts = { created: 0, updated: 0 };
        for await (const records of channel) {
          const counts = await this.repository.upsertMany(this.organizationId, records, tx);
          total.created += counts.created;
          total.updated += counts.updated;
        }
        await this.onWritten(tx, total);
        return total;
      },
      { timeout: IMPORT_TRANSACTION_TIMEOUT_MS },
    );
    // A failed write stops the reading: the next `write` throws the database's error.
    this.result.catch((error: unknown) => channel.fail(error));
    return channel;
  }
}

/** The rows of one import as they are read: the good ones, and why the others failed. */
class ImportRows {
  /** Good rows not yet handed to the transaction. */
  pending: DeviceRecord[] = [];
  readonly failed: DeviceImportFailureDto[] = [];
  /** Where each device id first appeared, so a repeat names it. */
  private readonly firstIndex = new Map<string, number>();
  private readonly errors: FieldError[] = [];
  count = 0;

  addLine(line: string): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.failed.push({ index: this.count, device_id: null, error: 'The line is not valid JSON' });
      this.count += 1;
      return;
    }
    this.add(value);
  }

  add(value: unknown): void {
    const index = this.count;
    this.count += 1;
    this.errors.length = 0;
    const record = readDeviceRecord(value, this.errors);
    if (record === null) {
      this.failed.push({ index, device_id: usableId(value), error: describeErrors(this.errors) });
      return;
    }
    const first = this.firstIndex.get(record.device_id);
    if (first !== undefined) {
      this.failed.push({ index, device_id: record.device_id, error: `device_id repeats row ${first} of this import, which was used instead` });
      return;
    }
    this.firstIndex.set(record.device_id, index);
    this.pending.push(record);
  }

  take(): DeviceRecord[] {
    const batch = this.pending;
    this.pending = [];
    return batch;
  }
}

function usableId(value: unknown): string | null {
  const id = typeof value === 'object' && value !== null ? (value as { device_id?: unknown }).device_id : undefined;
  return isDeviceId(id) ? id : null;
}

function isByteStream(value: unknown): value is AsyncIterable<Buffer | string> {
  return typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

function isBlank(line: string): boolean {
  return line.length === 0 || line.trim().length === 0;
}

function tooManyRows(): PayloadTooLargeError {
  return new PayloadTooLargeError(ErrorCode.DeviceImportTooLarge, `An import may carry at most ${MAX_IMPORT_ROWS} devices; split it`);
}

function bodyTooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(ErrorCode.DeviceImportTooLarge, `The import body is larger than ${maxBytes} bytes (DEVICE_IMPORT_MAX_BYTES); split it`);
}
