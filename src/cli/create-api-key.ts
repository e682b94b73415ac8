import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfig } from '../config';
import { DatabaseModule } from '../database/database.module';
import { AuditRepository } from '../modules/audit/audit.repository';
import { AuditService } from '../modules/audit/audit.service';
import { ApiKeysRepository } from '../modules/auth/api-keys.repository';
import { ApiKeysService } from '../modules/auth/api-keys.service';
import { API_KEY_ROLES, type ApiKeyRole } from '../modules/auth/dto/api-key.dto';
import { OutboxRepository } from '../modules/events/outbox.repository';
import { OutboxService } from '../modules/events/outbox.service';
import { runCommand, UsageError } from './run-command';

const USAGE = `usage: npm run apikey:create -- --org <organization_id> --role <${API_KEY_ROLES.join('|')}> [--name <label>] [--expires-at <ISO-8601>]

Creates an API key in the database of this configuration (DATABASE_URL, or the embedded one
under DATA_DIR) and prints it once. Use it for the first admin key; later keys can be made
through POST /api/v1/api-keys.`;

/** `npm run apikey:create -- --org acme --role admin`: the first key, before anyone can call the API. */
runCommand('apikey:create', async () => {
  const input = parseInput(process.argv.slice(2));
  const config = loadConfig();
  // The key is audited like one made through the API (its `audit.recorded` event waits in the
  // outbox for the service's relay); the audit and outbox services alone, without their modules'
  // schedulers and NATS connection.
  @Module({
    imports: [ConfigModule.forRoot(config), DatabaseModule],
    providers: [ApiKeysRepository, ApiKeysService, AuditRepository, AuditService, OutboxRepository, OutboxService],
  })
  class CreateApiKeyModule {}

  const context = await NestFactory.createApplicationContext(CreateApiKeyModule, { logger: ['error', 'warn'] });
  try {
    const cli = { principal: { kind: 'service' as const, id: 'cli', organizationId: input.organizationId, roles: [] }, requestId: null, clientIp: null };
    const created = await context.get(ApiKeysService).create(input, cli);
    process.stdout.write(`${JSON.stringify(created, null, 2)}\n\nSend it as "X-API-Key: ${created.key}". It is not stored and cannot be shown again.\n`);
  } finally {
    await context.close();
  }
});

function parseInput(argv: string[]): { organizationId: string; role: ApiKeyRole; name: string; expiresAt?: Date } {
  const { values } = parseArgs({
    args: argv,
    options: { org: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, 'expires-at': { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) throw new UsageError(USAGE);
  const organizationId = values.org?.trim();
  if (!organizationId || organizationId.length > 100) throw new UsageError(`--org is required (1-100 characters)\n\n${USAGE}`);
  if (!API_KEY_ROLES.includes(values.role as ApiKeyRole)) throw new UsageError(`--role must be one of ${API_KEY_ROLES.join(', ')}\n\n${USAGE}`);
  const name = values.name?.trim() || `${values.role} key (cli)`;
  if (name.length > 100) throw new UsageError('--name must be at most 100 characters');
  const expiresAt = values['expires-at'] === undefined ? undefined : new Date(values['expires-at']);
  if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt <= new Date())) {
    throw new UsageError('--expires-at must be an ISO-8601 time in the future');
  }
  return { organizationId, role: values.role as ApiKeyRole, name, expiresAt };
}
