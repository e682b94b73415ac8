import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/errors';
import { uploadFirmware, type UploadFirmwareOptions } from './upload-request';

/** Enough of XMLHttpRequest to play the service's part: records what is sent, answers on demand. */
class FakeXhr {
  static last: FakeXhr | undefined;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: FormData | undefined;
  status = 0;
  responseText = '';
  aborted = false;
  upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.onload?.();
  }
}

const firmware = { firmware_id: 'f'.repeat(32), name: 'Frame', version: '2.1.0', checksum_sha256: 'a'.repeat(64), checksum_md5: 'b'.repeat(32) };

function start(extra: Partial<UploadFirmwareOptions> = {}) {
  const promise = uploadFirmware({
    file: new Blob(['firmware bytes']),
    fileName: 'frame.bin',
    metadata: { name: 'Frame', version: '2.1.0', device_model: 'SF-1' },
    authorization: { authorization: 'Bearer t' },
    ...extra,
  });
  const request = FakeXhr.last;
  if (request === undefined) throw new Error('no request was made');
  return { promise, request };
}

beforeEach(() => {
  FakeXhr.last = undefined;
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
});
afterEach(() => vi.unstubAllGlobals());

describe('uploadFirmware', () => {
  it('posts metadata then file, with the session headers, and resolves with the stored firmware', async () => {
    const { promise, request } = start();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v1/firmware');
    expect(request.headers.authorization).toBe('Bearer t');
    const parts = [...(request.body?.entries() ?? [])];
    expect(parts.map(([name]) => name)).toEqual(['metadata', 'file']);
    expect(JSON.parse(parts[0]?.[1] as string)).toEqual({ name: 'Frame', version: '2.1.0', device_model: 'SF-1' });
    expect((parts[1]?.[1] as File).name).toBe('frame.bin');

    request.answer(201, firmware);
    await expect(promise).resolves.toEqual({ firmware, created: true });
  });

  it('says when the service already had the image', async () => {
    const { promise, request } = start();
    request.answer(200, firmware);
    await expect(promise).resolves.toMatchObject({ created: false });
  });

  it('reports the bytes sent', async () => {
    const onProgress = vi.fn();
    const { promise, request } = start({ onProgress });
    request.upload.onprogress?.({ lengthComputable: true, loaded: 10, total: 40 });
    request.upload.onprogress?.({ lengthComputable: false, loaded: 0, total: 0 });
    expect(onProgress).toHaveBeenCalledTimes(1);
    expect(onProgress).toHaveBeenCalledWith({ loaded: 10, total: 40 });
    request.answer(201, firmware);
    await promise;
  });

  it("rejects with the service's detail and code", async () => {
    const { promise, request } = start();
    request.answer(409, { detail: 'SF-1 2.1.0 exists with other content', code: 'firmware/version_exists', request_id: 'r' });
    const error = await promise.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, detail: 'SF-1 2.1.0 exists with other content', code: 'firmware/version_exists' });
  });

  it('rejects with a plain description when the answer is not the API error shape', async () => {
    const { promise, request } = start();
    request.answer(502, '<html>Bad gateway</html>');
    await expect(promise).rejects.toMatchObject({ status: 502, detail: 'The service answered 502' });
  });

  it('rejects as a lost connection on a network error', async () => {
    const { promise, request } = start();
    request.onerror?.();
    await expect(promise).rejects.toMatchObject({ status: 0 });
  });

  it('stops the transfer when the signal aborts', async () => {
    const controller = new AbortController();
    const { promise, request } = start({ signal: controller.signal });
    controller.abort();
    expect(request.aborted).toBe(true);
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('sends nothing when the signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(uploadFirmware({ file: new Blob(['x']), fileName: 'x.bin', metadata: { name: 'a', version: '1', device_model: 'm' }, authorization: {}, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(FakeXhr.last).toBeUndefined();
  });
});
