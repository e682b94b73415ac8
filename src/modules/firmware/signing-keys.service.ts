import type { KeyObject } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ConflictError, NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import { type PaginationQueryDto, listEnvelope } from '../../common/http/pagination.dto';
import { APP_CONFIG, type AppConfig } from '../../config';
import { PrismaService } from '../../database/prisma.service';
import type { SigningKey } from '../../generated/prisma/client';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import type { CreateSigningKeyDto, SigningKeyListResponseDto, SigningKeyResponseDto } from './dto/signing-key.dto';
import { InvalidPublicKeyError, fingerprint, parseEd25519PublicKey, spkiBase64, spkiPem } from './firmware-signature';
import { SigningKeysRepository } from './signing-keys.repository';

/** Registrations per organization; keys are rotated, not collected. */
const MAX_KEYS_PER_ORGANIZATION = 100;

/**
 * Public keys that verify firmware signatures: those an organization's admins register, plus
 * those given in `FIRMWARE_SIGNING_KEYS`, which every organization can use.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private configured = new Map<string, KeyObject>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly repository: SigningKeysRepository,
    private readonly auditLog: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Configured keys are parsed once; a bad one stops the service at start rather than at upload. */
  onModuleInit(): void {
    this.configured = new Map(
      [...this.config.firmware.signingKeys].map(([keyId, text]) => {
        try {
          return [keyId, parseEd25519PublicKey(text)];
        } catch (error) {
          throw new Error(`FIRMWARE_SIGNING_KEYS: key ${keyId} is not usable: ${(error as Error).message}`);
        }
      }),
    );
  }

  /** The key that verifies signatures made with `keyId`, or undefined when there is none. */
  async resolve(organizationId: string, keyId: string): Promise<KeyObject | undefined> {
    const configured = this.configured.get(keyId);
    if (configured) return configured;
    const row = await this.repository.find(organizationId, keyId);
    return row ? parseEd25519PublicKey(row.publicKey) : undefined;
  }

  /**
   * Registers a public key for the organization.
   * @throws ValidationError when it is not an Ed25519 public key.
   * @throws ConflictError when the id is taken or the organization has too many keys.
   */
  async register(organizationId: string, input: CreateSigningKeyDto, audit: AuditContext): Promise<SigningKeyResponseDto> {
    let key: KeyObject;
    try {
      key = parseEd25519PublicKey(input.public_key);
    } catch (error) {
      if (!(error instanceof InvalidPublicKeyError)) throw error;
      throw new ValidationError([{ loc: ['body', 'public_key'], msg: error.message, type: 'ed25519_public_key' }], undefined, ErrorCode.SigningKeyInvalid);
    }
    if (this.configured.has(input.key_id) || (await this.repository.find(organizationId, input.key_id))) {
      throw new ConflictError(ErrorCode.SigningKeyExists, `A signing key with id ${input.key_id} already exists`);
    }
    if ((await this.repository.countByOrganization(organizationId)) >= MAX_KEYS_PER_ORGANIZATION) {
      throw new ConflictError(ErrorCode.SigningKeyLimit, `An organization can register at most ${MAX_KEYS_PER_ORGANIZATION} signing keys`);
    }
    const row = await this.prisma.$transaction(async (tx) => {
      const created = await this.repository.create(
        { organizationId, keyId: input.key_id, publicKey: spkiBase64(key), description: input.description ?? null, createdBy: audit.principal.id },
        tx,
      );
      await this.auditLog.record(tx, audit, {
        organizationId,
        action: 'signing_key.registered',
        resourceType: 'signing_key',
        resourceId: created.keyId,
        summary: { key_id: created.keyId, fingerprint: fingerprint(key), description: created.description },
      });
      return created;
    });
    return this.fromRow(row);
  }

  /** Configured keys first, then the organization's, each by id. */
  async list(organizationId: string, query: PaginationQueryDto): Promise<SigningKeyListResponseDto> {
    const rows = await this.repository.listByOrganization(organizationId);
    const all = [...[...this.configured].map(([keyId, key]) => this.fromConfig(keyId, key)), ...rows.map((row) => this.fromRow(row))];
    const items = all.slice(query.offset, query.offset + query.limit);
    return listEnvelope('signing_keys', { items, total: all.length }, query);
  }

  /**
   * Removes a registered key. Firmware it verified keeps `signature_verified`.
   * @throws ConflictError for a key from configuration; NotFoundError when there is no such key.
   */
  async remove(organizationId: string, keyId: string, audit: AuditContext): Promise<SigningKeyResponseDto> {
    if (this.configured.has(keyId)) {
      throw new ConflictError(ErrorCode.SigningKeyConfigured, `Signing key ${keyId} comes from FIRMWARE_SIGNING_KEYS and cannot be deleted here`);
    }
    const row = await this.repository.find(organizationId, keyId);
    if (!row) throw new NotFoundError(ErrorCode.SigningKeyNotFound, `Signing key ${keyId} not found`);
    await this.prisma.$transaction(async (tx) => {
      await this.repository.delete(organizationId, keyId, tx);
      await this.auditLog.record(tx, audit, { organizationId, action: 'signing_key.deleted', resourceType: 'signing_key', resourceId: keyId, summary: { key_id: keyId } });
    });
    return this.fromRow(row);
  }

  private fromRow(row: SigningKey): SigningKeyResponseDto {
    const key = parseEd25519PublicKey(row.publicKey);
    return {
      key_id: row.keyId,
      algorithm: 'ed25519',
      public_key: spkiPem(key),
      fingerprint: fingerprint(key),
      description: row.description,
      source: 'api',
      created_at: row.createdAt.toISOString(),
      created_by: row.createdBy,
    };
  }

  private fromConfig(keyId: string, key: KeyObject): SigningKeyResponseDto {
    return {
      key_id: keyId,
      algorithm: 'ed25519',
      public_key: spkiPem(key),
      fingerprint: fingerprint(key),
      description: 'From FIRMWARE_SIGNING_KEYS',
      source: 'config',
      created_at: null,
      created_by: null,
    };
  }
}
