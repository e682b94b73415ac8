import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A secret generated once for development and kept in the data folder (readable by the owner
 * only), so what it signed stays valid across restarts. Production configures its secrets.
 */
export async function readOrCreateSecret(dataDir: string, fileName: string): Promise<string> {
  const path = join(dataDir, fileName);
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
