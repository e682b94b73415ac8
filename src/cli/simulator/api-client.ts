/**
 * The simulator's view of the service: plain HTTP calls to the public API (operator side with a
 * JWT or an API key, device side with a device token or a `device_gateway` key), nothing else.
 * Shapes come from the typed client generated from openapi/openapi.json (clients/typescript), as
 * any third-party client's would: a change of the API that breaks the simulator fails to compile.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../../../clients/typescript/schema';
import { exponentialBackoffMs } from '../../common/backoff';

type Schemas = components['schemas'];

/** How often one request is sent again after a 429 before that answer counts as the answer. */
const MAX_RATE_LIMITED_RETRIES = 10;
/** Each wait is stretched by up to this share, at random, so devices refused together come back apart. */
const BACK_OFF_JITTER = 0.5;

/** Told of every 429 and how long the client waits before sending the request again. */
export type RateLimitListener = (waitMs: number) => void;

/**
 * `fetch`, backing off on 429 as a well-behaved client does: waits what `Retry-After` says (1 s,
 * doubling per attempt, when the answer has none) plus a random jitter, then sends the request
 * again, up to {@link MAX_RATE_LIMITED_RETRIES} times. An abort of `init.signal` ends the wait.
 */
export async function fetchWithBackOff(input: string | URL | Request, init: RequestInit, onRateLimited?: RateLimitListener): Promise<Response> {
  const signal = init.signal ?? (input instanceof Request ? input.signal : undefined);
  for (let attempt = 1; ; attempt++) {
    // A Request's body can be read once: each attempt sends a copy.
    const res = await fetch(input instanceof Request ? input.clone() : input, init);
    if (res.status !== 429 || attempt > MAX_RATE_LIMITED_RETRIES) return res;
    await res.body?.cancel();
    const waitMs = retryAfterMs(res.headers.get('retry-after'), attempt) * (1 + Math.random() * BACK_OFF_JITTER);
    onRateLimited?.(waitMs);
    await sleep(waitMs, undefined, { signal: signal ?? undefined });
  }
}

/** `Retry-After` in seconds or as an HTTP date; without it, exponential back-off from 1 s. */
function retryAfterMs(header: string | null, attempt: number): number {
  if (header !== null) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  return exponentialBackoffMs(attempt, 1000, 30_000);
}

/** The `update` of a check-in answer. */
export type OfferedUpdate = Schemas['DeviceCheckInUpdateDto'];

export type CheckInAnswer = Schemas['DeviceCheckInResponseDto'];

export type StatusReport = Schemas['DeviceStatusReportDto'];

export type FirmwareInfo = Schemas['FirmwareResponseDto'];

export type UpdateInfo = Schemas['UpdateResponseDto'];

export type BulkResult = Schemas['BulkUpdateResultDto'];

/** An answer the simulator did not expect: the status, the error code and detail when the body has them. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(`${method} ${path} answered ${status}${code === undefined ? '' : ` ${code}`}: ${detail}`);
  }
}

type Credentials = { kind: 'bearer'; token: string } | { kind: 'api-key'; key: string } | { kind: 'device'; token: string };

function authHeaders(credentials: Credentials): Record<string, string> {
  switch (credentials.kind) {
    case 'bearer':
      return { authorization: `Bearer ${credentials.token}` };
    case 'device':
      return { authorization: `Device ${credentials.token}` };
    case 'api-key':
      return { 'x-api-key': credentials.key };
  }
}

/** What a typed call answers: its response, and the parsed error body when it was not a success. */
interface TypedAnswer {
  response: Response;
  error?: unknown;
}

/** The answer when its status is one of `expect`; otherwise an `ApiError` with the contract's code and detail. */
function expectStatus<T extends TypedAnswer>(answer: T, method: string, path: string, expect: readonly number[] = [200, 201]): T {
  if (expect.includes(answer.response.status)) return answer;
  const error = answer.error;
  const body = typeof error === 'object' && error !== null ? (error as { code?: string; detail?: string }) : undefined;
  throw new ApiError(method, path, answer.response.status, body?.code, body?.detail ?? String(error ?? '').slice(0, 500));
}

/** The service at `origin` (e.g. `http://localhost:8240`), through the typed client, backing off on 429. */
export class ApiClient {
  readonly typed: Client<paths>;

  constructor(
    readonly origin: string,
    onRateLimited?: RateLimitListener,
  ) {
    this.typed = createClient<paths>({ baseUrl: origin.replace(/\/+$/, ''), fetch: (request) => fetchWithBackOff(request, {}, onRateLimited) });
  }
}

/** The operator's side: what an operator (or their automation) does to set up a run and check it. */
export class OperatorApi {
  private readonly headers: Record<string, string>;

  constructor(
    private readonly api: ApiClient,
    credentials: Credentials,
  ) {
    this.headers = authHeaders(credentials);
  }

  /** With neither a JWT nor a key: a development token, which a service in embedded development mode hands out. */
  static async withDevToken(api: ApiClient, organizationId: string | undefined): Promise<OperatorApi> {
    const body = { user_id: 'device-simulator', email: 'simulator@example.com', role: 'operator' as const, ...(organizationId ? { organization_id: organizationId } : {}) };
    const { data } = expectStatus(await api.typed.POST('/api/v1/auth/dev-token', { body }), 'POST', '/auth/dev-token');
    return new OperatorApi(api, { kind: 'bearer', token: data!.token });
  }

  static withToken(api: ApiClient, token: string): OperatorApi {
    return new OperatorApi(api, { kind: 'bearer', token });
  }

  static withApiKey(api: ApiClient, key: string): OperatorApi {
    return new OperatorApi(api, { kind: 'api-key', key });
  }

  async getFirmware(firmwareId: string): Promise<FirmwareInfo> {
    const answer = await this.api.typed.GET('/api/v1/firmware/{firmware_id}', { params: { path: { firmware_id: firmwareId } }, headers: this.headers });
    return expectStatus(answer, 'GET', `/firmware/${firmwareId}`).data!;
  }

  /** `POST /firmware`: the metadata part, then the image, as the README's curl does. */
  async uploadFirmware(metadata: Record<string, unknown>, image: Uint8Array): Promise<FirmwareInfo> {
    const answer = await this.api.typed.POST('/api/v1/firmware', {
      headers: this.headers,
      body: { metadata: JSON.stringify(metadata), file: 'simulator-firmware.bin' },
      bodySerializer: (body) => {
        const form = new FormData();
        form.append('metadata', body.metadata);
        form.append('file', new Blob([new Uint8Array(image)]), body.file);
        return form;
      },
    });
    return expectStatus(answer, 'POST', '/firmware').data!;
  }

  /** Registers (201, with a token) or updates (200, no token) a device. */
  async registerDevice(device: Schemas['RegisterDeviceDto']): Promise<{ created: boolean; token: string | undefined }> {
    const answer = expectStatus(await this.api.typed.POST('/api/v1/devices', { body: device, headers: this.headers }), 'POST', '/devices');
    return { created: answer.response.status === 201, token: answer.data!.device_token ?? undefined };
  }

  /** The device's registration; undefined when it does not exist. */
  async getDevice(deviceId: string): Promise<Schemas['DeviceResponseDto'] | undefined> {
    const answer = await this.api.typed.GET('/api/v1/devices/{device_id}', { params: { path: { device_id: deviceId } }, headers: this.headers });
    return expectStatus(answer, 'GET', `/devices/${deviceId}`, [200, 404]).data;
  }

  async rotateToken(deviceId: string): Promise<string> {
    const answer = await this.api.typed.POST('/api/v1/devices/{device_id}/token', { params: { path: { device_id: deviceId } }, headers: this.headers });
    return expectStatus(answer, 'POST', `/devices/${deviceId}/token`).data!.device_token;
  }

  /** `POST /devices/bulk/update` in batches of 10 000 (the endpoint's maximum). */
  async bulkUpdate(deviceIds: string[], settings: Omit<Schemas['BulkDeviceUpdateDto'], 'device_ids'>): Promise<BulkResult[]> {
    const results: BulkResult[] = [];
    for (let i = 0; i < deviceIds.length; i += 10_000) {
      const body = { ...settings, device_ids: deviceIds.slice(i, i + 10_000) };
      const answer = await this.api.typed.POST('/api/v1/devices/bulk/update', { body, headers: this.headers });
      results.push(...expectStatus(answer, 'POST', '/devices/bulk/update').data!.results);
    }
    return results;
  }

  async getUpdate(updateId: string): Promise<UpdateInfo> {
    const answer = await this.api.typed.GET('/api/v1/updates/{update_id}', { params: { path: { update_id: updateId } }, headers: this.headers });
    return expectStatus(answer, 'GET', `/updates/${updateId}`).data!;
  }
}

/** One device's side of the protocol: check-ins (with `If-None-Match`) and status reports. */
export class DeviceApi {
  private etag: string | undefined;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly api: ApiClient,
    readonly deviceId: string,
    credentials: Credentials,
  ) {
    this.headers = authHeaders(credentials);
  }

  static withToken(api: ApiClient, deviceId: string, token: string): DeviceApi {
    return new DeviceApi(api, deviceId, { kind: 'device', token });
  }

  static throughGateway(api: ApiClient, deviceId: string, gatewayKey: string): DeviceApi {
    return new DeviceApi(api, deviceId, { kind: 'api-key', key: gatewayKey });
  }

  /**
   * A check-in. With the ETag of the previous answer, a 304 means "same as last time", answered
   * here as `notModified` with the previous update (kept by the caller).
   */
  async checkIn(firmwareVersion: string): Promise<{ notModified: true } | { notModified: false; answer: CheckInAnswer }> {
    const answer = await this.api.typed.POST('/api/v1/device-api/devices/{device_id}/check-in', {
      params: { path: { device_id: this.deviceId } },
      body: { firmware_version: firmwareVersion },
      headers: { ...this.headers, ...(this.etag === undefined ? {} : { 'if-none-match': this.etag }) },
    });
    if (expectStatus(answer, 'POST', `/device-api/devices/${this.deviceId}/check-in`, [200, 304]).response.status === 304) return { notModified: true };
    this.etag = answer.response.headers.get('etag') ?? undefined;
    return { notModified: false, answer: answer.data! };
  }

  /** The device's consent to an update that asks for it (or a refusal, with a reason). */
  async confirm(updateId: string, answer: Schemas['DeviceConfirmationDto'], signal?: AbortSignal): Promise<void> {
    const path = { device_id: this.deviceId, update_id: updateId };
    const result = await this.api.typed.POST('/api/v1/device-api/devices/{device_id}/updates/{update_id}/confirmation', { params: { path }, body: answer, headers: this.headers, signal });
    expectStatus(result, 'POST', `/device-api/devices/${this.deviceId}/updates/${updateId}/confirmation`);
  }

  async report(updateId: string, report: StatusReport, signal?: AbortSignal): Promise<void> {
    const path = { device_id: this.deviceId, update_id: updateId };
    const result = await this.api.typed.POST('/api/v1/device-api/devices/{device_id}/updates/{update_id}/status', { params: { path }, body: report, headers: this.headers, signal });
    expectStatus(result, 'POST', `/device-api/devices/${this.deviceId}/updates/${updateId}/status`);
  }
}
