import { describe, expect, it } from 'vitest';
import { buildUploadMetadata, emptyUploadForm, tagsOf, type UploadForm } from './upload-metadata';

const file = { size: 4096 };
const form = (fields: Partial<UploadForm>): UploadForm => ({ ...emptyUploadForm(), name: 'Frame', version: '2.1.0', deviceModel: 'SF-1', ...fields });

describe('buildUploadMetadata', () => {
  it('builds the minimal metadata with the file size to check', () => {
    expect(buildUploadMetadata(form({ name: '  Frame ' }), file)).toEqual({
      ok: true,
      metadata: { name: 'Frame', version: '2.1.0', device_model: 'SF-1', update_type: 'firmware', file_size: 4096 },
    });
  });

  it('carries every optional field given', () => {
    const result = buildUploadMetadata(
      form({
        manufacturer: 'Acme',
        updateType: 'security_patch',
        description: 'Fixes',
        minHardwareVersion: '1.0',
        maxHardwareVersion: '2',
        tags: 'stable, eu ,stable,',
        isBeta: true,
        isSecurityUpdate: true,
        changelog: '- a\n- b',
        signature: 'c2lnbmF0dXJl',
        signingKeyId: 'release-2026',
      }),
      file,
    );
    expect(result).toEqual({
      ok: true,
      metadata: {
        name: 'Frame',
        version: '2.1.0',
        device_model: 'SF-1',
        update_type: 'security_patch',
        manufacturer: 'Acme',
        description: 'Fixes',
        min_hardware_version: '1.0',
        max_hardware_version: '2',
        tags: ['stable', 'eu'],
        is_beta: true,
        is_security_update: true,
        changelog: '- a\n- b',
        signature: 'c2lnbmF0dXJl',
        signing_key_id: 'release-2026',
        file_size: 4096,
      },
    });
  });

  it('names every missing required field and the missing file', () => {
    const result = buildUploadMetadata(emptyUploadForm(), undefined);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.field)).toEqual(['file', 'name', 'version', 'deviceModel']);
    expect(result.problems[1]?.message).toBe('Name is required');
  });

  it('refuses an empty file, over-long fields and too many tags', () => {
    const tags = Array.from({ length: 51 }, (_, index) => `t${index}`).join(',');
    const result = buildUploadMetadata(form({ version: 'x'.repeat(51), tags }), { size: 0 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      { field: 'file', message: 'The file is empty' },
      { field: 'version', message: 'Version has at most 50 characters' },
      { field: 'tags', message: 'At most 50 tags' },
    ]);
  });

  it('wants a base64 signature and its key id together', () => {
    const bad = buildUploadMetadata(form({ signature: 'not base64!' , signingKeyId: 'k' }), file);
    expect(bad).toEqual({ ok: false, problems: [{ field: 'signature', message: 'The signature must be base64' }] });
    const alone = buildUploadMetadata(form({ signature: 'c2lnbmF0dXJl' }), file);
    expect(alone).toEqual({ ok: false, problems: [{ field: 'signingKeyId', message: 'A signature and its signing key id go together' }] });
    const keyAlone = buildUploadMetadata(form({ signingKeyId: 'k' }), file);
    expect(keyAlone).toEqual({ ok: false, problems: [{ field: 'signature', message: 'A signature and its signing key id go together' }] });
  });
});

describe('tagsOf', () => {
  it('splits on commas, trims, drops empty and repeated tags', () => {
    expect(tagsOf(' a, b,,a , c ')).toEqual(['a', 'b', 'c']);
    expect(tagsOf('')).toEqual([]);
  });
});
