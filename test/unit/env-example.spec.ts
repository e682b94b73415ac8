import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema } from '../../src/config/env.schema';

interface ExampleEntry {
  name: string;
  value: string;
  /** `# NAME=value`: no default, the value is an example. */
  commentedOut: boolean;
  /** The comment line right above the entry. */
  comment: string | undefined;
}

/** `.env.example` documents every variable of the env schema; this keeps the two in step. */
describe('.env.example', () => {
  const lines = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8').split('\n');
  const entries: ExampleEntry[] = lines.flatMap((line, index) => {
    const match = /^(# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) return [];
    const above = lines[index - 1];
    const comment = above?.startsWith('# ') && !/^# [A-Z][A-Z0-9_]*=/.test(above) ? above.slice(2).trim() : undefined;
    return [{ name: match[2], value: match[3], commentedOut: match[1] !== undefined, comment }];
  });
  const documented = entries.map((entry) => entry.name);
  const schemaNames = Object.keys(envSchema.shape);
  const shape = envSchema.shape as Record<string, (typeof envSchema.shape)[keyof typeof envSchema.shape]>;
  /** Entries the schema knows; the others fail the test above. */
  const known = entries.filter((entry) => schemaNames.includes(entry.name));

  it('names every variable of the env schema', () => {
    expect(schemaNames.filter((name) => !documented.includes(name))).toEqual([]);
  });

  it('names no variable the env schema does not have', () => {
    expect(documented.filter((name) => !schemaNames.includes(name))).toEqual([]);
  });

  it('names each variable once', () => {
    expect(documented.filter((name, index) => documented.indexOf(name) !== index)).toEqual([]);
  });

  it('explains each variable in a comment line right above it', () => {
    expect(entries.filter((entry) => !entry.comment).map((entry) => entry.name)).toEqual([]);
  });

  it('sets each variable that has a default to that default, and comments out the others', () => {
    const wrong = known.flatMap((entry) => {
      const schemaDefault = shape[entry.name].safeParse(undefined);
      const hasDefault = schemaDefault.success && schemaDefault.data !== undefined;
      if (hasDefault === entry.commentedOut) {
        return [`${entry.name}: ${hasDefault ? 'has a default, so it should be set' : 'has no default, so it should be commented out'}`];
      }
      if (hasDefault && shape[entry.name].safeParse(entry.value).data !== schemaDefault.data) {
        return [`${entry.name}=${entry.value} is not the default ${JSON.stringify(schemaDefault.data)}`];
      }
      return [];
    });
    expect(wrong).toEqual([]);
  });

  it('shows example values the service would accept', () => {
    const invalid = known.filter((entry) => !shape[entry.name].safeParse(entry.value).success).map((entry) => entry.name);
    expect(invalid).toEqual([]);
  });
});
