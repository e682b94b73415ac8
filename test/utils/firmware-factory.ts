import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './test-app';

let sequence = 0;

/** Upload metadata with a version unique to this test run, so uploads never collide by accident. */
export function firmwareMetadata(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return {
    name: 'SmartFrame Firmware',
    version: `2.${sequence}.0`,
    device_model: 'SF-2024-Pro',
    manufacturer: 'SmartTech',
    changelog: 'Bug fixes and improvements',
    ...overrides,
  };
}

/** `size` random bytes: every image differs from every other. */
export function firmwareBytes(size = 64 * 1024): Buffer {
  return randomBytes(size);
}

export function sha256Hex(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export function md5Hex(content: Buffer): string {
  return createHash('md5').update(content).digest('hex');
}

export type FormPart = { name: string; value: string } | { name: string; fileName: string; content: Buffer };

/** A multipart/form-data body in the given part order, as a browser or curl would send it. */
export async function multipartBody(parts: FormPart[]): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  for (const part of parts) {
    if ('value' in part) form.append(part.name, part.value);
    else form.append(part.name, new Blob([new Uint8Array(part.content)]), part.fileName);
  }
  const encoded = new Response(form);
  return {
    payload: Buffer.from(await encoded.arrayBuffer()),
    headers: { 'content-type': encoded.headers.get('content-type') as string },
  };
}

/** POST /api/v1/firmware with `metadata` then `file`, like the original service's clients. */
export async function uploadFirmware(
  t: TestApp,
  headers: Record<string, string>,
  options: { metadata?: Record<string, unknown>; content?: Buffer; fileName?: string } = {},
): Promise<LightMyRequestResponse> {
  const body = await multipartBody([
    { name: 'metadata', value: JSON.stringify(options.metadata ?? firmwareMetadata()) },
    { name: 'file', fileName: options.fileName ?? 'firmware.bin', content: options.content ?? firmwareBytes() },
  ]);
  return t.request({ method: 'POST', url: '/api/v1/firmware', payload: body.payload, headers: { ...headers, ...body.headers } });
}

/** An Ed25519 key pair as a firmware signing tool has it. */
export function ed25519Signer() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    /** Base64 signature over the 32-byte SHA-256 digest of `content`. */
    sign: (content: Buffer) => sign(null, createHash('sha256').update(content).digest(), privateKey).toString('base64'),
  };
}
