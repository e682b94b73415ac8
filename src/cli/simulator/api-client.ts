/**
 * The simulator's view of the service: plain HTTP calls to the public API (operator side with a
 * JWT or an API key, device side with a device token or a `device_gateway` key), nothing else.
 * Shapes are declared here rather than imported from the service, as any third-party client would.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { exponentialBackoffMs } from '../../common/backoff';

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
export async function fetchWithBackOff(url: string | URL, init: RequestInit, onRateLimited?: RateLimitListener): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(url, init);
    if (res.status !== 429 || attempt > MAX_RATE_LIMITED_RETRIES) return res;
    await res.body?.cancel();
    const waitMs = retryAfterMs(res.headers.get('retry-after'), attempt) * (1 + Math.random() * BACK_OFF_JITTER);
    onRateLimited?.(waitMs);
    await sleep(waitMs, undefined, { signal: init.signal ?? undefined });
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

/**
 * How a device applies an update: `immediate` (install, reboot, complete); blue-green `deferred`
 * (install to the standby slot, report `awaiting_activation`, wait), then `now` (the campaign
 * switched: reboot into the standby slot and complete).
 */
export type Activation = 'immediate' | 'deferred' | 'now';

/** The `update` of a check-in answer. */
export interface OfferedUpdate {
  update_id: string;
  /** `update`, or `rollback` (back to the device's previous version). */
  kind: string;
  firmware_id: string;
  version: string;
  download_url: string;
  download_expires_at: string;
  file_size: number;
  checksum_sha256: string;
  checksum_md5: string;
  signature: string | null;
  signing_key_id: string | null;
  force: boolean;
  timeout_at: string | null;
  /** Absent from services older than blue-green: `immediate`. */
  activation?: Activation;
  /** The campaign asks for the device's consent before it works on the update. */
  confirmation_required?: boolean;
}

export interface CheckInAnswer {
  poll_interval_seconds: number;
  update: OfferedUpdate | null;
}

export interface StatusReport {
  status: 'in_progress' | 'downloading' | 'verifying' | 'installing' | 'awaiting_activation' | 'rebooting' | 'completed' | 'failed';
  progress_percentage?: number;
  error_code?: string;
  error_message?: string;
  bytes_downloaded?: number;
  firmware_version?: string;
}

export interface FirmwareInfo {
  firmware_id: string;
  version: string;
  device_model: string;
  min_hardware_version: string | null;
  file_size: number;
}

export interface UpdateInfo {
  update_id: string;
  device_id: string;
  status: string;
  error_code: string | null;
  bytes_downloaded: number;
  timeline?: { status: string; source: string }[];
}

export interface BulkResult {
  device_id: string;
  success: boolean;
  update_id?: string;
  error?: string;
  detail?: string;
}

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

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
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

export class ApiClient {
  /** `origin` is e.g. `http://localhost:8240`; every path below is under `/api/v1`. */
  constructor(
    readonly origin: string,
    private readonly onRateLimited?: RateLimitListener,
  ) {}

  /** Sends one request; answers with any status in `expect`, throws `ApiError` on any other. */
  async call(
    method: string,
    path: string,
    options: { credentials?: Credentials; json?: unknown; body?: string | FormData; headers?: Record<string, string>; expect?: number[]; signal?: AbortSignal },
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...(options.credentials ? authHeaders(options.credentials) : {}), ...options.headers };
    let body: string | FormData | undefined = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const res = await fetchWithBackOff(`${this.origin}/api/v1${path}`, { method, headers, body, signal: options.signal }, this.onRateLimited);
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!(options.expect ?? [200, 201]).includes(res.status)) {
      const error = parsed as { code?: string; detail?: string } | undefined;
      throw new ApiError(method, path, res.status, error?.code, error?.detail ?? text.slice(0, 500));
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }
}

/** The operator's side: what an operator (or their automation) does to set up a run and check it. */
export class OperatorApi {
  constructor(
    private readonly api: ApiClient,
    private readonly credentials: Credentials,
  ) {}

  /** With neither a JWT nor a key: a development token, which a service in embedded development mode hands out. */
  static async withDevToken(api: ApiClient, organizationId: string | undefined): Promise<OperatorApi> {
    const answer = await api.call('POST', '/auth/dev-token', {
      json: { user_id: 'device-simulator', email: 'simulator@example.com', role: 'operator', ...(organizationId ? { organization_id: organizationId } : {}) },
    });
    return new OperatorApi(api, { kind: 'bearer', token: (answer.body as { token: string }).token });
  }

  static withToken(api: ApiClient, token: string): OperatorApi {
    return new OperatorApi(api, { kind: 'bearer', token });
  }

  static withApiKey(api: ApiClient, key: string): OperatorApi {
    return new OperatorApi(api, { kind: 'api-key', key });
  }

  async getFirmware(firmwareId: string): Promise<FirmwareInfo> {
    return (await this.api.call('GET', `/firmware/${encodeURIComponent(firmwareId)}`, { credentials: this.credentials })).body as FirmwareInfo;
  }

  /** `POST /firmware`: the metadata part, then the image, as the README's curl does. */
  async uploadFirmware(metadata: Record<string, unknown>, image: Uint8Array): Promise<FirmwareInfo> {
    const form = new FormData();
    form.append('metadata', JSON.stringify(metadata));
    form.append('file', new Blob([new Uint8Array(image)]), 'simulator-firmware.bin');
    return (await this.api.call('POST', '/firmware', { credentials: this.credentials, body: form })).body as FirmwareInfo;
  }

  /** Registers (201, with a token) or updates (200, no token) a device. */
  async registerDevice(device: Record<string, unknown>): Promise<{ created: boolean; token: string | undefined }> {
    const answer = await this.api.call('POST', '/devices', { credentials: this.credentials, json: device });
    return { created: answer.status === 201, token: (answer.body as { device_token?: string }).device_token };
  }

  /** The device's registration; undefined when it does not exist. */
  async getDevice(deviceId: string): Promise<{ firmware_version: string | null } | undefined> {
    const answer = await this.api.call('GET', `/devices/${encodeURIComponent(deviceId)}`, { credentials: this.credentials, expect: [200, 404] });
    return answer.status === 404 ? undefined : (answer.body as { firmware_version: string | null });
  }

  async rotateToken(deviceId: string): Promise<string> {
    const answer = await this.api.call('POST', `/devices/${encodeURIComponent(deviceId)}/token`, { credentials: this.credentials });
    return (answer.body as { device_token: string }).device_token;
  }

  /** `POST /devices/bulk/update` in batches of 10 000 (the endpoint's maximum). */
  async bulkUpdate(deviceIds: string[], settings: Record<string, unknown>): Promise<BulkResult[]> {
    const results: BulkResult[] = [];
    for (let i = 0; i < deviceIds.length; i += 10_000) {
      const answer = await this.api.call('POST', '/devices/bulk/update', {
        credentials: this.credentials,
        json: { ...settings, device_ids: deviceIds.slice(i, i + 10_000) },
      });
      results.push(...(answer.body as { results: BulkResult[] }).results);
    }
    return results;
  }

  async getUpdate(updateId: string): Promise<UpdateInfo> {
    return (await this.api.call('GET', `/updates/${encodeURIComponent(updateId)}`, { credentials: this.credentials })).body as UpdateInfo;
  }
}

/** One device's side of the protocol: check-ins (with `If-None-Match`) and status reports. */
export class DeviceApi {
  private etag: string | undefined;

  constructor(
    private readonly api: ApiClient,
    readonly deviceId: string,
    private readonly credentials: Credentials,
  ) {}

  static withToken(api: ApiClient, deviceId: string, token: string): DeviceApi {
    return new DeviceApi(api, deviceId, { kind: 'device', token });
  }

  static throughGateway(api: ApiClient, deviceId: string, gatewayKey: string): DeviceApi {
    return new DeviceApi(api, deviceId, { kind: 'api-key', key: gatewayKey });
  }

  private get base(): string {
    return `/device-api/devices/${encodeURIComponent(this.deviceId)}`;
  }

  /**
   * A check-in. With the ETag of the previous answer, a 304 means "same as last time", answered
   * here as `notModified` with the previous update (kept by the caller).
   */
  async checkIn(firmwareVersion: string): Promise<{ notModified: true } | { notModified: false; answer: CheckInAnswer }> {
    const answer = await this.api.call('POST', `${this.base}/check-in`, {
      credentials: this.credentials,
      json: { firmware_version: firmwareVersion },
      headers: this.etag === undefined ? {} : { 'if-none-match': this.etag },
      expect: [200, 304],
    });
    if (answer.status === 304) return { notModified: true };
    this.etag = answer.headers.get('etag') ?? undefined;
    return { notModified: false, answer: answer.body as CheckInAnswer };
  }

  /** The device's consent to an update that asks for it (or a refusal, with a reason). */
  async confirm(updateId: string, answer: { confirmed: boolean; reason?: string }, signal?: AbortSignal): Promise<void> {
    await this.api.call('POST', `${this.base}/updates/${encodeURIComponent(updateId)}/confirmation`, { credentials: this.credentials, json: answer, signal });
  }

  async report(updateId: string, report: StatusReport, signal?: AbortSignal): Promise<void> {
    await this.api.call('POST', `${this.base}/updates/${encodeURIComponent(updateId)}/status`, {
      credentials: this.credentials,
      json: report,
      signal,
    });
  }
}
