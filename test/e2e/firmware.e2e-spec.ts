import { request as httpRequest } from 'node:http';
import { findFreePort } from '../../src/database/embedded/free-port';
import { ed25519Signer, firmwareBytes, firmwareMetadata, md5Hex, multipartBody, sha256Hex, uploadFirmware } from '../utils/firmware-factory';
import { storageBackends } from '../utils/storage-backends';
import { createTestApp, type TestApp } from '../utils/test-app';
import { withClient } from '../utils/test-database';
import { bearer, hs256Token } from '../utils/tokens';
import { eventually } from '../utils/wait-for';

const MAX_BYTES = 1024 * 1024;

describe.each(storageBackends())('firmware on $name storage', (backend) => {
  let t: TestApp;
  let operator: Record<string, string>;
  let viewer: Record<string, string>;
  let admin: Record<string, string>;
  let otherOrg: Record<string, string>;
  let baseUrl: string;

  beforeAll(async () => {
    await backend.start();
    const port = await findFreePort();
    baseUrl = `http://127.0.0.1:${port}`;
    t = await createTestApp({ env: { ...backend.env(), FIRMWARE_MAX_BYTES: String(MAX_BYTES), PUBLIC_BASE_URL: baseUrl } });
    await t.app.listen({ port, host: '127.0.0.1' });
    operator = bearer(await hs256Token({ sub: 'op-1', organization_id: 'org-a', role: 'operator' }));
    viewer = bearer(await hs256Token({ sub: 'viewer-1', organization_id: 'org-a', role: 'viewer' }));
    admin = bearer(await hs256Token({ sub: 'admin-1', organization_id: 'org-a', role: 'admin' }));
    otherOrg = bearer(await hs256Token({ sub: 'op-2', organization_id: 'org-b', role: 'admin' }));
  });
  afterAll(async () => {
    await t?.close();
    await backend.stop();
  });

  async function firmwareRows(): Promise<{ firmware_id: string; organization_id: string }[]> {
    return withClient(t.database.url, async (client) => (await client.query('SELECT firmware_id, organization_id FROM ota.firmware')).rows);
  }

  async function outboxTypes(): Promise<string[]> {
    return withClient(t.database.url, async (client) => (await client.query('SELECT type FROM ota.outbox_events ORDER BY sequence')).rows.map((r) => r.type));
  }

  /** Uploads that fail must leave storage exactly as it was. */
  async function expectNothingLeftBehind(action: () => Promise<void>): Promise<void> {
    const objectsBefore = await backend.objects();
    const rowsBefore = await firmwareRows();
    await action();
    expect(await backend.objects()).toEqual(objectsBefore);
    expect(await firmwareRows()).toEqual(rowsBefore);
  }

  describe('upload', () => {
    it('stores the file, computes its checksums and answers 201 with the contract fields', async () => {
      const content = firmwareBytes(300 * 1024);
      const metadata = firmwareMetadata({ tags: ['stable'], metadata: { build: 42 }, is_security_update: true, min_hardware_version: '1.0' });
      const objectsBefore = (await backend.objects()).length;

      const res = await uploadFirmware(t, operator, { metadata, content, fileName: 'sf-2.1.0.bin' });

      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({
        name: metadata.name,
        version: metadata.version,
        device_model: 'SF-2024-Pro',
        manufacturer: 'SmartTech',
        min_hardware_version: '1.0',
        file_name: 'sf-2.1.0.bin',
        file_size: content.length,
        checksum_md5: md5Hex(content),
        checksum_sha256: sha256Hex(content),
        tags: ['stable'],
        metadata: { build: 42 },
        is_beta: false,
        is_security_update: true,
        update_type: 'firmware',
        signature_verified: false,
        download_count: 0,
        success_rate: null,
        created_by: 'op-1',
      });
      expect(body.firmware_id).toBe(sha256Hex(Buffer.from(`${metadata.name}:${metadata.version}:SF-2024-Pro`)).slice(0, 32));
      expect(body.file_url).toBe(`${baseUrl}/api/v1/firmware/${body.firmware_id}/download`);
      expect(body).not.toHaveProperty('storage_key');
      expect((await backend.objects()).length).toBe(objectsBefore + 1);
      expect(await outboxTypes()).toContain('firmware.uploaded');

      const fetched = await t.request({ method: 'GET', url: `/api/v1/firmware/${body.firmware_id}`, headers: viewer });
      expect(fetched.statusCode).toBe(200);
      expect(fetched.json()).toEqual(body);
    });

    it('answers 200 with the existing record when the same image is uploaded again, and keeps one object', async () => {
      const content = firmwareBytes();
      const metadata = firmwareMetadata({ checksum_sha256: sha256Hex(content) });
      const first = await uploadFirmware(t, operator, { metadata, content });
      expect(first.statusCode).toBe(201);
      const objects = await backend.objects();

      const again = await uploadFirmware(t, operator, { metadata, content });

      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
      expect(await backend.objects()).toEqual(objects);
    });

    it('refuses other content for an existing device model and version with 409, before or after reading it', async () => {
      const metadata = firmwareMetadata();
      expect((await uploadFirmware(t, operator, { metadata })).statusCode).toBe(201);
      await expectNothingLeftBehind(async () => {
        const undeclared = await uploadFirmware(t, operator, { metadata: { ...metadata, name: 'Renamed' } });
        expect(undeclared.statusCode).toBe(409);
        expect(undeclared.json().code).toBe('firmware/version_exists');
        const other = firmwareBytes();
        const declared = await uploadFirmware(t, operator, { metadata: { ...metadata, checksum_sha256: sha256Hex(other) }, content: other });
        expect(declared.statusCode).toBe(409);
      });
    });

    it.each([
      ['checksum_md5', 'firmware/checksum_mismatch', { checksum_md5: 'f'.repeat(32) }],
      ['checksum_sha256', 'firmware/checksum_mismatch', { checksum_sha256: 'e'.repeat(64) }],
      ['file_size', 'firmware/size_mismatch', { file_size: 12345 }],
    ])('refuses a wrong declared %s with 400 and removes the stored object', async (_field, code, declared) => {
      await expectNothingLeftBehind(async () => {
        const res = await uploadFirmware(t, operator, { metadata: firmwareMetadata(declared) });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe(code);
      });
    });

    it('refuses a file over FIRMWARE_MAX_BYTES with 413 and keeps nothing of it', async () => {
      await expectNothingLeftBehind(async () => {
        const res = await uploadFirmware(t, operator, { content: firmwareBytes(MAX_BYTES + 1) });
        expect(res.statusCode).toBe(413);
        expect(res.json().code).toBe('request/file_too_large');
      });
      const declared = await uploadFirmware(t, operator, { metadata: firmwareMetadata({ file_size: MAX_BYTES + 1 }) });
      expect(declared.statusCode).toBe(413);
    });

    it('accepts a file of exactly FIRMWARE_MAX_BYTES', async () => {
      expect((await uploadFirmware(t, operator, { content: firmwareBytes(MAX_BYTES) })).statusCode).toBe(201);
    });

    it('says which part is wrong when the multipart body is not as expected', async () => {
      const content = firmwareBytes(1024);
      const metadata = JSON.stringify(firmwareMetadata());
      const cases: [string, Parameters<typeof multipartBody>[0], number, string][] = [
        ['file before metadata', [{ name: 'file', fileName: 'a.bin', content }, { name: 'metadata', value: metadata }], 400, 'firmware/missing_part'],
        ['no file', [{ name: 'metadata', value: metadata }], 400, 'firmware/missing_part'],
        ['no metadata', [{ name: 'file', fileName: 'a.bin', content }], 400, 'firmware/missing_part'],
        ['file in another part', [{ name: 'metadata', value: metadata }, { name: 'binary', fileName: 'a.bin', content }], 400, 'firmware/missing_part'],
        ['metadata not JSON', [{ name: 'metadata', value: '{name: nope' }, { name: 'file', fileName: 'a.bin', content }], 400, 'firmware/invalid_metadata'],
        ['unsupported extension', [{ name: 'metadata', value: metadata }, { name: 'file', fileName: 'a.exe', content }], 400, 'firmware/unsupported_file_type'],
      ];
      for (const [label, parts, status, code] of cases) {
        await expectNothingLeftBehind(async () => {
          const body = await multipartBody(parts);
          const res = await t.request({ method: 'POST', url: '/api/v1/firmware', payload: body.payload, headers: { ...operator, ...body.headers } });
          expect([label, res.statusCode, res.json().code]).toEqual([label, status, code]);
        });
      }
    });

    it('accepts every configured file ending, case-insensitively', async () => {
      for (const fileName of ['a.hex', 'b.ELF', 'c.tar.gz', 'd.zip']) {
        const res = await uploadFirmware(t, operator, { fileName });
        expect([fileName, res.statusCode]).toEqual([fileName, 201]);
      }
    });

    it('validates metadata fields with 422 and their location', async () => {
      const cases: [Record<string, unknown> | unknown[], (string | number)[], string][] = [
        [{ version: '1.0.0', device_model: 'm' }, ['body', 'metadata', 'name'], 'missing'],
        [{ ...firmwareMetadata(), update_type: 'kernel' }, ['body', 'metadata', 'update_type'], 'isIn'],
        [{ ...firmwareMetadata(), checksum_md5: 'xyz' }, ['body', 'metadata', 'checksum_md5'], 'matches'],
        [{ ...firmwareMetadata(), name: 'n'.repeat(201) }, ['body', 'metadata', 'name'], 'isLength'],
        [{ ...firmwareMetadata(), is_beta: 'yes' }, ['body', 'metadata', 'is_beta'], 'isBoolean'],
        [[1, 2], ['body', 'metadata'], 'object_type'],
      ];
      for (const [metadata, loc, type] of cases) {
        await expectNothingLeftBehind(async () => {
          const res = await uploadFirmware(t, operator, { metadata: metadata as Record<string, unknown> });
          expect(res.statusCode).toBe(422);
          expect(res.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ loc, type })]));
        });
      }
    });

    it('ignores unknown metadata keys and unknown text parts', async () => {
      const body = await multipartBody([
        { name: 'comment', value: 'sent by an old client' },
        { name: 'metadata', value: JSON.stringify({ ...firmwareMetadata(), release_channel: 'stable' }) },
        { name: 'file', fileName: 'a.bin', content: firmwareBytes(1024) },
      ]);
      const res = await t.request({ method: 'POST', url: '/api/v1/firmware', payload: body.payload, headers: { ...operator, ...body.headers } });
      expect(res.statusCode).toBe(201);
      expect(res.json()).not.toHaveProperty('release_channel');
    });

    it('refuses a body that is not multipart with 400', async () => {
      const res = await t.request({ method: 'POST', url: '/api/v1/firmware', payload: { name: 'x' }, headers: operator });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('request/not_multipart');
    });

    it('needs the operator role to upload', async () => {
      expect((await uploadFirmware(t, viewer)).statusCode).toBe(403);
      expect((await uploadFirmware(t, {})).statusCode).toBe(401);
    });

    it('leaves no row and no object when the client disconnects mid-upload', async () => {
      const objectsBefore = await backend.objects();
      const rowsBefore = await firmwareRows();
      const body = await multipartBody([
        { name: 'metadata', value: JSON.stringify(firmwareMetadata()) },
        { name: 'file', fileName: 'a.bin', content: firmwareBytes(800 * 1024) },
      ]);
      await new Promise<void>((resolve) => {
        const req = httpRequest(`${baseUrl}/api/v1/firmware`, {
          method: 'POST',
          headers: { ...operator, ...body.headers, 'content-length': String(body.payload.length) },
        });
        req.on('error', () => resolve());
        req.on('response', () => resolve());
        // Half of the file, then the client is gone.
        req.write(body.payload.subarray(0, Math.floor(body.payload.length / 2)), () => setTimeout(() => req.destroy(), 100));
      });
      await eventually('the aborted upload to leave nothing behind', async () => {
        expect(await backend.objects()).toEqual(objectsBefore);
        expect(await firmwareRows()).toEqual(rowsBefore);
      });
    });
  });

  describe('signatures', () => {
    const signer = ed25519Signer();
    const keyId = `release-${backend.name}`;

    beforeAll(async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/signing-keys',
        headers: admin,
        payload: { key_id: keyId, public_key: signer.publicKeyPem, description: 'release key' },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ key_id: keyId, algorithm: 'ed25519', source: 'api', created_by: 'admin-1' });
    });

    it('verifies a good signature and records it', async () => {
      const content = firmwareBytes();
      const res = await uploadFirmware(t, operator, { content, metadata: firmwareMetadata({ signature: signer.sign(content), signing_key_id: keyId }) });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ signature_verified: true, signing_key_id: keyId });
    });

    it('refuses a bad signature with 400 and keeps nothing', async () => {
      await expectNothingLeftBehind(async () => {
        const res = await uploadFirmware(t, operator, {
          metadata: firmwareMetadata({ signature: signer.sign(firmwareBytes()), signing_key_id: keyId }),
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('firmware/bad_signature');
      });
    });

    it('refuses an unknown key or half a signature with 422 before reading the file', async () => {
      const content = firmwareBytes();
      for (const [extra, field] of [
        [{ signature: signer.sign(content), signing_key_id: 'nobody' }, 'signing_key_id'],
        [{ signature: signer.sign(content) }, 'signing_key_id'],
        [{ signing_key_id: keyId }, 'signature'],
      ] as const) {
        const res = await uploadFirmware(t, operator, { content, metadata: firmwareMetadata(extra) });
        expect(res.statusCode).toBe(422);
        expect(res.json().errors[0].loc).toEqual(['body', 'metadata', field]);
      }
    });

    it("uses another organization's key for nobody else", async () => {
      const content = firmwareBytes();
      const res = await uploadFirmware(t, otherOrg, { content, metadata: firmwareMetadata({ signature: signer.sign(content), signing_key_id: keyId }) });
      expect(res.statusCode).toBe(422);
    });

    it('manages keys: admins register and delete, viewers list, ids are unique', async () => {
      expect((await t.request({ method: 'POST', url: '/api/v1/signing-keys', headers: operator, payload: { key_id: 'k', public_key: signer.publicKeyPem } })).statusCode).toBe(403);
      const duplicate = await t.request({ method: 'POST', url: '/api/v1/signing-keys', headers: admin, payload: { key_id: keyId, public_key: signer.publicKeyPem } });
      expect(duplicate.statusCode).toBe(409);
      const invalid = await t.request({ method: 'POST', url: '/api/v1/signing-keys', headers: admin, payload: { key_id: 'bad', public_key: 'not a key' } });
      expect(invalid.statusCode).toBe(422);
      expect(invalid.json().errors[0].loc).toEqual(['body', 'public_key']);

      const temporary = ed25519Signer();
      expect((await t.request({ method: 'POST', url: '/api/v1/signing-keys', headers: admin, payload: { key_id: 'temporary', public_key: temporary.publicKeyPem } })).statusCode).toBe(201);
      const list = await t.request({ method: 'GET', url: '/api/v1/signing-keys', headers: viewer });
      expect(list.statusCode).toBe(200);
      expect(list.json().signing_keys.map((k: { key_id: string }) => k.key_id)).toEqual(expect.arrayContaining([keyId, 'temporary']));
      expect((await t.request({ method: 'DELETE', url: '/api/v1/signing-keys/temporary', headers: admin })).statusCode).toBe(200);
      expect((await t.request({ method: 'DELETE', url: '/api/v1/signing-keys/temporary', headers: admin })).statusCode).toBe(404);
      expect((await t.request({ method: 'GET', url: '/api/v1/signing-keys', headers: otherOrg })).json().signing_keys).toEqual([]);
    });
  });

  describe('read side', () => {
    it('lists with filters, the envelope and pagination, newest first, only the own organization', async () => {
      const model = `LIST-${backend.name}`;
      const created: string[] = [];
      for (const extra of [{ is_beta: true }, { is_beta: false }, { is_beta: true, manufacturer: 'Other' }]) {
        const res = await uploadFirmware(t, operator, { metadata: firmwareMetadata({ device_model: model, ...extra }) });
        created.push(res.json().firmware_id);
      }
      const all = await t.request({ method: 'GET', url: `/api/v1/firmware?device_model=${model}`, headers: viewer });
      expect(all.json()).toMatchObject({ count: 3, total: 3, limit: 50, offset: 0 });
      expect(all.json().firmware.map((f: { firmware_id: string }) => f.firmware_id)).toEqual([...created].reverse());
      expect(all.json().filters).toEqual({ device_model: model, manufacturer: null, is_beta: null, is_security_update: null });

      const beta = await t.request({ method: 'GET', url: `/api/v1/firmware?device_model=${model}&is_beta=true&manufacturer=Other`, headers: viewer });
      expect(beta.json()).toMatchObject({ count: 1, total: 1 });
      expect(beta.json().firmware[0].firmware_id).toBe(created[2]);

      const page = await t.request({ method: 'GET', url: `/api/v1/firmware?device_model=${model}&limit=2&offset=2`, headers: viewer });
      expect(page.json()).toMatchObject({ count: 1, total: 3, limit: 2, offset: 2 });
      expect(page.json().firmware[0].firmware_id).toBe(created[0]);

      const others = await t.request({ method: 'GET', url: `/api/v1/firmware?device_model=${model}`, headers: otherOrg });
      expect(others.json()).toMatchObject({ count: 0, total: 0 });
    });

    it('hands out a download URL that serves exactly the bytes, and counts and records it', async () => {
      const content = firmwareBytes(200 * 1024);
      const { firmware_id: id } = (await uploadFirmware(t, operator, { content })).json();

      const res = await t.request({ method: 'GET', url: `/api/v1/firmware/${id}/download`, headers: viewer });
      expect(res.statusCode).toBe(200);
      const link = res.json();
      expect(link).toMatchObject({ checksum_md5: md5Hex(content), checksum_sha256: sha256Hex(content), file_size: content.length });
      expect(new Date(link.expires_at).getTime()).toBeGreaterThan(Date.now());

      const download = await fetch(link.download_url);
      expect(download.status).toBe(200);
      expect(sha256Hex(Buffer.from(await download.arrayBuffer()))).toBe(sha256Hex(content));
      const partial = await fetch(link.download_url, { headers: { range: 'bytes=100-199' } });
      expect(partial.status).toBe(206);
      expect(Buffer.from(await partial.arrayBuffer())).toEqual(content.subarray(100, 200));

      await t.request({ method: 'GET', url: `/api/v1/firmware/${id}/download`, headers: operator });
      expect((await t.request({ method: 'GET', url: `/api/v1/firmware/${id}`, headers: viewer })).json().download_count).toBe(2);
      const recorded = await withClient(t.database.url, async (client) =>
        (await client.query('SELECT requested_by, file_size FROM ota.firmware_downloads WHERE firmware_id = $1 ORDER BY created_at', [id])).rows,
      );
      expect(recorded).toEqual([
        { requested_by: 'viewer-1', file_size: String(content.length) },
        { requested_by: 'op-1', file_size: String(content.length) },
      ]);
    });

    it('answers 404 for unknown ids and 422 for malformed ones', async () => {
      expect((await t.request({ method: 'GET', url: `/api/v1/firmware/${'0'.repeat(32)}`, headers: viewer })).json().code).toBe('firmware/not_found');
      const malformed = await t.request({ method: 'GET', url: '/api/v1/firmware/not-an-id', headers: viewer });
      expect(malformed.statusCode).toBe(422);
      expect(malformed.json().errors[0].loc).toEqual(['path', 'firmware_id']);
    });
  });

  describe('organizations', () => {
    it("keeps each organization's firmware to itself, even with the same id", async () => {
      const metadata = firmwareMetadata();
      const mine = (await uploadFirmware(t, operator, { metadata })).json();
      for (const [method, suffix] of [['GET', ''], ['GET', '/download'], ['DELETE', '']] as const) {
        const res = await t.request({ method, url: `/api/v1/firmware/${mine.firmware_id}${suffix}`, headers: otherOrg });
        expect([method, suffix, res.statusCode]).toEqual([method, suffix, 404]);
      }
      const theirs = await uploadFirmware(t, otherOrg, { metadata });
      expect(theirs.statusCode).toBe(201);
      expect(theirs.json().firmware_id).toBe(mine.firmware_id);
      expect(theirs.json().checksum_sha256).not.toBe(mine.checksum_sha256);
      expect((await t.request({ method: 'GET', url: `/api/v1/firmware/${mine.firmware_id}`, headers: viewer })).json()).toEqual(mine);
    });
  });

  describe('delete', () => {
    it('removes the row and the object, emits firmware.deleted, and then answers 404', async () => {
      const objectsBefore = await backend.objects();
      const { firmware_id: id } = (await uploadFirmware(t, operator)).json();
      expect((await t.request({ method: 'DELETE', url: `/api/v1/firmware/${id}`, headers: viewer })).statusCode).toBe(403);

      const res = await t.request({ method: 'DELETE', url: `/api/v1/firmware/${id}`, headers: operator });

      expect(res.statusCode).toBe(200);
      expect(res.json().firmware_id).toBe(id);
      expect(await backend.objects()).toEqual(objectsBefore);
      expect((await outboxTypes()).filter((type) => type !== 'audit.recorded').at(-1)).toBe('firmware.deleted');
      expect((await t.request({ method: 'GET', url: `/api/v1/firmware/${id}`, headers: viewer })).statusCode).toBe(404);
      expect((await t.request({ method: 'DELETE', url: `/api/v1/firmware/${id}`, headers: operator })).statusCode).toBe(404);
    });
  });
});

describe('signed firmware required', () => {
  const backend = storageBackends()[0];
  const configured = ed25519Signer();
  let t: TestApp;
  let operator: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    await backend.start();
    const publicKey = configured.publicKeyPem.replace(/-----[A-Z ]+-----|\s/g, '');
    t = await createTestApp({ env: { ...backend.env(), REQUIRE_SIGNED_FIRMWARE: 'true', FIRMWARE_SIGNING_KEYS: `fleet-key=${publicKey}` } });
    operator = bearer(await hs256Token({ organization_id: 'org-a', role: 'operator' }));
    admin = bearer(await hs256Token({ organization_id: 'org-a', role: 'admin' }));
  });
  afterAll(async () => {
    await t?.close();
    await backend.stop();
  });

  it('refuses unsigned firmware with 422 firmware/unsigned', async () => {
    const res = await uploadFirmware(t, operator);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'firmware/unsigned', errors: [{ loc: ['body', 'metadata', 'signature'] }] });
  });

  it('accepts firmware signed with a key from FIRMWARE_SIGNING_KEYS, which is listed and cannot be deleted', async () => {
    const content = firmwareBytes();
    const res = await uploadFirmware(t, operator, { content, metadata: firmwareMetadata({ signature: configured.sign(content), signing_key_id: 'fleet-key' }) });
    expect(res.statusCode).toBe(201);
    expect(res.json().signature_verified).toBe(true);
    const list = await t.request({ method: 'GET', url: '/api/v1/signing-keys', headers: operator });
    expect(list.json().signing_keys).toEqual([expect.objectContaining({ key_id: 'fleet-key', source: 'config' })]);
    const remove = await t.request({ method: 'DELETE', url: '/api/v1/signing-keys/fleet-key', headers: admin });
    expect(remove.statusCode).toBe(409);
    expect(remove.json().code).toBe('signing_key/configured');
  });
});
