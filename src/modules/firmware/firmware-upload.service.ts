import { createHash, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BadRequestError, ConflictError, PayloadTooLargeError, ValidationError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { jsonNestsDeeperThan } from '../../common/http/json-body';
import type { UploadPart } from '../../common/http/multipart';
import { validateAs } from '../../common/http/request-validation.pipe';
import { isPlainName } from '../../common/text/storable-text';
import { APP_CONFIG, type AppConfig } from '../../config';
import { PrismaService } from '../../database/prisma.service';
import { isUniqueViolation } from '../../database/sql-errors';
import type { Firmware, Prisma } from '../../generated/prisma/client';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { OutboxService } from '../events/outbox.service';
import { STORAGE, type StoragePort } from '../storage/storage.port';
import type { FirmwareResponseDto } from './dto/firmware.dto';
import { FirmwareMetadataDto } from './dto/firmware-metadata.dto';
import { firmwareIdOf } from './firmware-id';
import { type IngestedFile, ingestFile } from './firmware-ingest';
import { verifyDigestSignature } from './firmware-signature';
import { toFirmwareResponse } from './firmware.mapper';
import { FirmwareRepository } from './firmware.repository';
import { SigningKeysService } from './signing-keys.service';

export interface UploadResult {
  /** False when the same image was already there (the original clients upload twice). */
  created: boolean;
  firmware: FirmwareResponseDto;
}

/** What is known before the first byte of the file is read. */
interface AcceptedMetadata {
  metadata: FirmwareMetadataDto;
  firmwareId: string;
  signingKey: KeyObject | undefined;
}

/** A file part stored, not yet checked against the metadata. */
interface ReceivedFile {
  fileName: string;
  key: string;
  file: IngestedFile;
}

const METADATA_LOCATION = ['body', 'metadata'];
/** The `filename` parameter of the `file` part's Content-Disposition. */
const FILE_NAME_LOCATION = ['body', 'file', 'filename'];

/**
 * Firmware uploads: metadata first (checked before any byte is taken), then the file, streamed to
 * storage while its checksums are computed; then the checks that need the bytes. A failed upload
 * leaves neither a row nor an object behind.
 */
@Injectable()
export class FirmwareUploadService {
  private readonly logger = new Logger('FirmwareUpload');

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: FirmwareRepository,
    private readonly signingKeys: SigningKeysService,
    private readonly outbox: OutboxService,
    private readonly auditLog: AuditService,
    @Inject(STORAGE) private readonly storage: StoragePort,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Takes a multipart upload: a text part `metadata` (JSON object), then a file part `file`.
   * The body is read to its end, so a second file part is seen (and refused) rather than dropped.
   * @throws BadRequestError for a missing, misplaced or second file part, metadata that is not a
   *   JSON object, an unsupported file type, a body cut off before its end, or checksums/size
   *   that do not match the bytes (400).
   * @throws ValidationError for invalid metadata fields, a required signature missing, or control
   *   characters in the file name (422).
   * @throws ConflictError when this device model and version exist with other content (409).
   * @throws PayloadTooLargeError when the file exceeds FIRMWARE_MAX_BYTES (413).
   */
  async upload(organizationId: string, audit: AuditContext, parts: AsyncIterable<UploadPart>): Promise<UploadResult> {
    let accepted: AcceptedMetadata | undefined;
    let received: ReceivedFile | undefined;
    try {
      for await (const part of parts) {
        if (part.kind === 'field') {
          if (part.name !== 'metadata') continue;
          if (accepted) throw new BadRequestError(ErrorCode.FirmwareInvalidMetadata, 'The metadata part appears twice');
          accepted = await this.acceptMetadata(organizationId, part);
          continue;
        }
        if (received) {
          // Read past it, so the answer is not held up behind bytes nobody wants.
          part.stream.resume();
          throw new BadRequestError(ErrorCode.FirmwareExtraFilePart, `A second file part ("${part.name}") follows the file: send exactly one file per upload`);
        }
        if (part.name !== 'file') {
          throw new BadRequestError(ErrorCode.FirmwareMissingPart, `Unexpected file part "${part.name}": send the binary in a part named "file"`);
        }
        if (!accepted) {
          throw new BadRequestError(ErrorCode.FirmwareMissingPart, 'The metadata part must come before the file part');
        }
        received = await this.receive(organizationId, accepted, part);
      }
    } catch (error) {
      if (received) await this.deleteQuietly(received.key);
      throw error;
    }
    if (!accepted || !received) {
      throw new BadRequestError(ErrorCode.FirmwareMissingPart, accepted ? 'The file part is missing' : 'The metadata and file parts are missing');
    }
    return this.complete(organizationId, audit, accepted, received);
  }

  /** Everything that can be refused before the bytes are read. */
  private async acceptMetadata(organizationId: string, part: Extract<UploadPart, { kind: 'field' }>): Promise<AcceptedMetadata> {
    if (part.truncated) throw new PayloadTooLargeError(ErrorCode.BodyTooLarge, 'The metadata part is too large');
    const metadata = await validateAs(FirmwareMetadataDto, parseJsonObject(part.value, this.config.http.jsonMaxDepth), METADATA_LOCATION);
    if (metadata.file_size !== undefined && metadata.file_size > this.config.firmware.maxBytes) {
      throw new PayloadTooLargeError(ErrorCode.FileTooLarge, `file_size exceeds the limit of ${this.config.firmware.maxBytes} bytes`);
    }
    const signingKey = await this.acceptSignature(organizationId, metadata);

    const existing = await this.repository.findByModelAndVersion(organizationId, metadata.device_model, metadata.version);
    if (existing && metadata.checksum_sha256 !== undefined && existing.checksumSha256 !== metadata.checksum_sha256.toLowerCase()) {
      throw versionExists(existing);
    }
    return { metadata, firmwareId: firmwareIdOf(metadata.name, metadata.version, metadata.device_model), signingKey };
  }

  private async acceptSignature(organizationId: string, metadata: FirmwareMetadataDto): Promise<KeyObject | undefined> {
    const { signature, signing_key_id: keyId } = metadata;
    if (signature === undefined && keyId === undefined) {
      if (this.config.firmware.requireSigned) {
        throw new ValidationError(
          [{ loc: [...METADATA_LOCATION, 'signature'], msg: 'Unsigned firmware is refused (REQUIRE_SIGNED_FIRMWARE)', type: 'missing' }],
          undefined,
          ErrorCode.FirmwareUnsigned,
        );
      }
      return undefined;
    }
    if (signature === undefined || keyId === undefined) {
      const missing = signature === undefined ? 'signature' : 'signing_key_id';
      throw new ValidationError([{ loc: [...METADATA_LOCATION, missing], msg: 'signature and signing_key_id go together', type: 'missing' }]);
    }
    const key = await this.signingKeys.resolve(organizationId, keyId);
    if (!key) {
      throw new ValidationError([{ loc: [...METADATA_LOCATION, 'signing_key_id'], msg: `No signing key with id ${keyId}`, type: 'unknown_key' }]);
    }
    return key;
  }

  /** Streams the file part to storage under a fresh key; the caller removes it if the upload fails later. */
  private async receive(organizationId: string, accepted: AcceptedMetadata, part: Extract<UploadPart, { kind: 'file' }>): Promise<ReceivedFile> {
    if (!isPlainName(part.fileName)) {
      throw new ValidationError([{ loc: FILE_NAME_LOCATION, msg: 'The file name must not contain control characters (such as NUL, BEL or ESC) or unpaired surrogates', type: 'file_name' }]);
    }
    const fileName = part.fileName.trim();
    const extension = this.config.firmware.extensions.find((ending) => fileName.toLowerCase().endsWith(ending));
    if (!fileName || !extension || fileName.length > 255) {
      throw new BadRequestError(
        ErrorCode.FirmwareUnsupportedFileType,
        `Unsupported file "${fileName}": the name must end with one of ${this.config.firmware.extensions.join(', ')}`,
      );
    }
    const key = storageKey(organizationId, accepted.firmwareId, extension);
    return { fileName, key, file: await ingestFile(this.storage, key, part.stream) };
  }

  /** The checks that need the bytes, then the row; a refused upload leaves no object. */
  private async complete(organizationId: string, audit: AuditContext, accepted: AcceptedMetadata, { fileName, key, file }: ReceivedFile): Promise<UploadResult> {
    try {
      this.checkBytes(accepted, file);
      return await this.persist(organizationId, audit, accepted, fileName, key, file);
    } catch (error) {
      await this.deleteQuietly(key);
      throw error;
    }
  }

  /** The declared checksums, size and signature against the bytes actually received. */
  private checkBytes({ metadata, signingKey }: AcceptedMetadata, file: IngestedFile): void {
    if (metadata.file_size !== undefined && metadata.file_size !== file.size) {
      throw new BadRequestError(ErrorCode.FirmwareSizeMismatch, `file_size says ${metadata.file_size} bytes but the file has ${file.size}`);
    }
    for (const [field, actual] of [['checksum_md5', file.md5], ['checksum_sha256', file.sha256]] as const) {
      const declared = metadata[field]?.toLowerCase();
      if (declared !== undefined && declared !== actual) {
        throw new BadRequestError(ErrorCode.FirmwareChecksumMismatch, `${field} is ${declared} but the file's is ${actual}`);
      }
    }
    if (signingKey && !verifyDigestSignature(signingKey, file.sha256, metadata.signature as string)) {
      throw new BadRequestError(ErrorCode.FirmwareBadSignature, `The signature does not verify with key ${metadata.signing_key_id}`);
    }
  }

  private async persist(
    organizationId: string,
    audit: AuditContext,
    { metadata, firmwareId, signingKey }: AcceptedMetadata,
    fileName: string,
    key: string,
    file: IngestedFile,
  ): Promise<UploadResult> {
    const existing = await this.repository.findByModelAndVersion(organizationId, metadata.device_model, metadata.version);
    if (existing) return this.sameImageOrConflict(existing, file, key);

    const data: Prisma.FirmwareUncheckedCreateInput = {
      organizationId,
      firmwareId,
      name: metadata.name,
      version: metadata.version,
      description: metadata.description ?? null,
      deviceModel: metadata.device_model,
      manufacturer: metadata.manufacturer ?? null,
      minHardwareVersion: metadata.min_hardware_version ?? null,
      maxHardwareVersion: metadata.max_hardware_version ?? null,
      fileName,
      fileSize: BigInt(file.size),
      storageKey: key,
      checksumMd5: file.md5,
      checksumSha256: file.sha256,
      tags: metadata.tags ?? [],
      metadata: (metadata.metadata ?? {}) as Prisma.InputJsonValue,
      isBeta: metadata.is_beta ?? false,
      isSecurityUpdate: metadata.is_security_update ?? false,
      changelog: metadata.changelog ?? null,
      updateType: metadata.update_type ?? 'firmware',
      signature: metadata.signature ?? null,
      signingKeyId: metadata.signing_key_id ?? null,
      signatureVerified: signingKey !== undefined,
      createdBy: audit.principal.id,
    };
    try {
      const row = await this.prisma.$transaction(async (tx) => {
        const created = await this.repository.create(data, tx);
        await this.outbox.record(tx, {
          type: 'firmware.uploaded',
          organizationId,
          data: {
            organization_id: organizationId,
            firmware_id: firmwareId,
            name: created.name,
            version: created.version,
            device_model: created.deviceModel,
            file_size: file.size,
            checksum_sha256: file.sha256,
            signature_verified: created.signatureVerified,
            uploaded_by: audit.principal.id,
          },
        });
        await this.auditLog.record(tx, audit, {
          organizationId,
          action: 'firmware.uploaded',
          resourceType: 'firmware',
          resourceId: firmwareId,
          summary: { name: created.name, version: created.version, device_model: created.deviceModel, file_name: fileName, file_size: file.size, checksum_sha256: file.sha256, signature_verified: created.signatureVerified },
        });
        return created;
      });
      return { created: true, firmware: toFirmwareResponse(row, this.config.publicBaseUrl) };
    } catch (error) {
      // Two uploads of the same version raced; the loser answers as if it had come second.
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.repository.findByModelAndVersion(organizationId, metadata.device_model, metadata.version);
      if (!winner) throw error;
      return this.sameImageOrConflict(winner, file, key);
    }
  }

  /** A re-upload of identical bytes returns the stored record; other bytes are a conflict. */
  private async sameImageOrConflict(existing: Firmware, file: IngestedFile, key: string): Promise<UploadResult> {
    if (existing.checksumSha256 !== file.sha256) throw versionExists(existing);
    await this.deleteQuietly(key);
    return { created: false, firmware: toFirmwareResponse(existing, this.config.publicBaseUrl) };
  }

  private async deleteQuietly(key: string): Promise<void> {
    await this.storage.delete(key).catch((error: unknown) => {
      this.logger.error(`Could not remove stored object ${key} of a refused upload: ${(error as Error).message}`);
    });
  }
}

function parseJsonObject(value: unknown, maxDepth: number): unknown {
  if (typeof value !== 'string') return value;
  if (jsonNestsDeeperThan(value, maxDepth)) {
    throw new BadRequestError(ErrorCode.FirmwareInvalidMetadata, `The metadata part nests JSON objects or arrays deeper than ${maxDepth} levels`);
  }
  try {
    return JSON.parse(value);
  } catch {
    throw new BadRequestError(ErrorCode.FirmwareInvalidMetadata, 'The metadata part is not valid JSON');
  }
}

function versionExists(existing: Firmware): ConflictError {
  return new ConflictError(
    ErrorCode.FirmwareVersionExists,
    `Firmware ${existing.deviceModel} ${existing.version} already exists (${existing.firmwareId}) with different content`,
  );
}

/** Organization ids may hold any printable character; their hash makes a safe key segment. */
function storageKey(organizationId: string, firmwareId: string, extension: string): string {
  const organization = createHash('sha256').update(organizationId).digest('hex').slice(0, 16);
  return `firmware/${organization}/${firmwareId}/${randomUUID()}${extension}`;
}
