import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RELEASED_STATUSES, type UpdateStatus } from './update-state';

/**
 * The partial indexes of `device_updates` spell status lists in SQL, which cannot import
 * update-state.ts: this keeps each predicate equal to the list it stands for, in the Prisma schema
 * and in the migrations that build the database.
 */
const PRISMA_DIR = join(__dirname, '../../../../prisma');

const EXPECTED: Record<string, readonly UpdateStatus[]> = {
  device_updates_one_active_per_device: RELEASED_STATUSES,
  device_updates_timeout_due: RELEASED_STATUSES,
  device_updates_campaign_release: ['created'],
  device_updates_retry_due: ['failed'],
};

/** The statuses a predicate admits: `status IN ('a', 'b')` or `status = 'a'`. */
function statusesOf(predicate: string): string[] {
  const list = /\bstatus\s+IN\s*\(([^)]*)\)/i.exec(predicate);
  if (list) return [...list[1].matchAll(/'([^']*)'/g)].map((match) => match[1]);
  const single = /\bstatus\s*=\s*'([^']*)'/.exec(predicate);
  return single ? [single[1]] : [];
}

/** Each index's predicate in schema.prisma: `map: "<name>", where: raw("<predicate>")`. */
function schemaPredicates(): Map<string, string> {
  const schema = readFileSync(join(PRISMA_DIR, 'schema.prisma'), 'utf8');
  return new Map([...schema.matchAll(/map:\s*"(\w+)",\s*where:\s*raw\("([^"]*)"\)/g)].map((match) => [match[1], match[2]]));
}

/** Each index's predicate as the latest migration that creates it wrote it. */
function migrationPredicates(): Map<string, string> {
  const dir = join(PRISMA_DIR, 'migrations');
  const predicates = new Map<string, string>();
  // Migration folders start with their timestamp: in name order, a later CREATE replaces an earlier one.
  for (const migration of readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()) {
    const sql = readFileSync(join(dir, migration, 'migration.sql'), 'utf8');
    for (const match of sql.matchAll(/CREATE (?:UNIQUE )?INDEX "(\w+)" ON [^;]*? WHERE \((.*)\);/g)) predicates.set(match[1], match[2]);
  }
  return predicates;
}

/** The check-in trigger functions (`ota.notify_check_in_*`), each as the latest migration that (re)creates it wrote it. */
function checkInTriggerFunctions(): Map<string, string> {
  const dir = join(PRISMA_DIR, 'migrations');
  const functions = new Map<string, string>();
  for (const migration of readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()) {
    const sql = readFileSync(join(dir, migration, 'migration.sql'), 'utf8');
    for (const match of sql.matchAll(/CREATE (?:OR REPLACE )?FUNCTION ota\.(notify_check_in_\w+)\(\)([\s\S]*?)END \$\$;/g)) functions.set(match[1], match[2]);
  }
  return functions;
}

describe('status predicates of the device_updates indexes', () => {
  const sources = { 'prisma/schema.prisma': schemaPredicates(), 'prisma/migrations': migrationPredicates() };

  describe.each(Object.entries(sources))('in %s', (_source, predicates) => {
    it.each(Object.entries(EXPECTED))('%s lists exactly its statuses', (index, statuses) => {
      expect(predicates.has(index)).toBe(true);
      expect(statusesOf(predicates.get(index)!).sort()).toEqual([...statuses].sort());
    });
  });

  it('the check-in notification triggers use the released statuses, as the latest migration defining them wrote them', () => {
    const functions = checkInTriggerFunctions();
    // The TRUNCATE trigger's function names no status: it drops everything.
    expect([...functions.keys()].sort()).toEqual(['notify_check_in_deleted', 'notify_check_in_inserted', 'notify_check_in_truncated', 'notify_check_in_updated']);
    for (const [name, body] of functions) {
      if (name === 'notify_check_in_truncated') continue;
      const lists = [...body.matchAll(/\bstatus IN \([^)]*\)/g)].map((match) => statusesOf(match[0]).sort());
      expect(lists.length).toBeGreaterThan(0);
      for (const list of lists) expect(list).toEqual([...RELEASED_STATUSES].sort());
    }
  });

  it('reads both spellings of a predicate', () => {
    expect(statusesOf("timeout_at IS NOT NULL AND status IN ('scheduled', 'in_progress')")).toEqual(['scheduled', 'in_progress']);
    expect(statusesOf("status = 'created'")).toEqual(['created']);
    expect(statusesOf('campaign_id IS NOT NULL')).toEqual([]);
  });
});
