import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary folder for the files a test hands to the browser's file inputs. */
export class TempFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'ota-console-files-'));

  /** A firmware image of random bytes, and the SHA-256 the console must show for it. */
  firmwareImage(name: string, bytes: number): { path: string; sha256: string; bytes: Buffer } {
    const content = randomBytes(bytes);
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return { path, sha256: createHash('sha256').update(content).digest('hex'), bytes: content };
  }

  write(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `<prefix>00000`, `<prefix>00001`, …: the ids the simulator gives its devices (`--prefix`). */
export function simulatorDeviceIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}${String(index).padStart(5, '0')}`);
}
