import { Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import { z } from 'zod';
import { DependencyUnavailableError } from '../../../common/errors/domain-error';
import { ErrorCode } from '../../../common/errors/error-codes';
import type { DependencyHealth } from '../../../common/health/health-indicator';
import type { AppConfig } from '../../../config';
import type { DeviceDirectory, DirectoryDevice } from './device-directory.port';

export type RemoteDirectorySettings = Pick<AppConfig['devices']['directory'], 'token' | 'timeoutMs' | 'cacheSeconds'> & {
  /** Base URL of the device service, without a trailing slash. */
  readonly url: string;
  /** Sent as `X-Organization-Id` by the health probe, which has no caller to act for. */
  readonly probeOrganizationId: string;
};

export interface RemoteDirectoryOptions {
  /** Answers kept at most; the least recently used is dropped first. */
  maxEntries?: number;
  /** Monotonic milliseconds for cache expiry; tests move it instead of sleeping. */
  now?: () => number;
}

const DEFAULT_MAX_ENTRIES = 10_000;
/** Lookups in flight at once for a batch (the service has no batch lookup). */
const LOOKUP_CONCURRENCY = 16;
/** A device record is a few hundred bytes; anything far larger is not one. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Health reuses the outcome of real lookups this recent instead of asking the service itself. */
const HEALTH_FRESH_MS = 30_000;
/** Looked up by the health probe: any answer, found or not, shows the service answers us. */
const PROBE_DEVICE_ID = 'ota-service-health-probe';

/** Why a lookup failed: `detail` goes to the client, `log` (which may name addresses) to our log. */
class LookupFailure extends Error {
  constructor(
    readonly detail: string,
    readonly log: string,
  ) {
    super(detail);
  }
}

interface Outcome {
  ok: boolean;
  at: number;
  latencyMs: number;
  detail?: string;
}

/**
 * The directory of a platform device service: `GET {url}/api/v1/devices/{device_id}`.
 *
 * Anything but a clear answer (found with the asked id, or 404) is a 503
 * `device_directory/unavailable`, so an update is never decided on a guess about a device.
 * Answers, including "not found", are cached for `cacheSeconds`; failures never are, and
 * concurrent lookups of one device share one request.
 */
export class RemoteDeviceDirectory implements DeviceDirectory {
  readonly mode = 'remote';
  private readonly logger = new Logger('DeviceDirectory');
  /** Values are wrapped because the cache cannot hold `null` ("no such device") itself. */
  private readonly cache: LRUCache<string, { device: DirectoryDevice | null }, { organizationId: string; deviceId: string }>;
  private lastOutcome: Outcome | undefined;
  private probe: Promise<void> | undefined;

  constructor(
    private readonly settings: RemoteDirectorySettings,
    options: RemoteDirectoryOptions = {},
  ) {
    this.cache = new LRUCache({
      max: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
      // With caching off, answers are still stored (never served, see find()) so that
      // concurrent lookups of one device share a request; `ttl: 0` would mean "forever".
      ttl: Math.max(settings.cacheSeconds * 1000, 1),
      perf: options.now ? { now: options.now } : undefined,
      // Read the clock on every check rather than a value cached for a millisecond.
      ttlResolution: 0,
      fetchMethod: async (_key, _stale, { context }) => ({ device: await this.lookup(context.organizationId, context.deviceId) }),
    });
  }

  /** Throws `DependencyUnavailableError` (`device_directory/unavailable`) unless the service answers clearly. */
  find(organizationId: string, deviceId: string): Promise<DirectoryDevice | null> {
    // A URL path cannot address these ids (`.` and `..` are resolved away), so the service cannot hold them.
    if (deviceId === '' || deviceId === '.' || deviceId === '..') return Promise.resolve(null);
    // A failed fetch is not cached: its rejection reaches every caller waiting on it, then is forgotten.
    return this.cache
      .fetch(`${organizationId}\u0000${deviceId}`, { context: { organizationId, deviceId }, forceRefresh: this.settings.cacheSeconds === 0 })
      .then((answer) => (answer as { device: DirectoryDevice | null }).device);
  }

  /**
   * Each device looked up on its own (the service has no batch lookup), at most
   * {@link LOOKUP_CONCURRENCY} at once; the first failure fails the whole call.
   */
  async findMany(organizationId: string, deviceIds: readonly string[]): Promise<Map<string, DirectoryDevice>> {
    const found = new Map<string, DirectoryDevice>();
    await pLimit(LOOKUP_CONCURRENCY).map(deviceIds, async (deviceId) => {
      const device = await this.find(organizationId, deviceId);
      if (device) found.set(deviceId, device);
    });
    return found;
  }

  /**
   * `checks.device_directory`: the outcome of the latest lookup when it is recent, else of one
   * probe lookup (shared by concurrent health checks), so polling health never floods the service.
   */
  async health(): Promise<DependencyHealth> {
    if (this.lastOutcome === undefined || Date.now() - this.lastOutcome.at > HEALTH_FRESH_MS) {
      this.probe ??= this.lookup(this.settings.probeOrganizationId, PROBE_DEVICE_ID).then(
        () => undefined,
        () => undefined,
      ).finally(() => {
        this.probe = undefined;
      });
      await this.probe;
    }
    const outcome = this.lastOutcome as Outcome;
    return {
      status: outcome.ok ? 'up' : 'down',
      ...(outcome.detail === undefined ? {} : { error: outcome.detail }),
      mode: 'remote',
      url: new URL(this.settings.url).origin,
      checked_at: new Date(outcome.at).toISOString(),
      latency_ms: outcome.latencyMs,
      cached_answers: this.cache.size,
    };
  }

  private async lookup(organizationId: string, deviceId: string): Promise<DirectoryDevice | null> {
    const started = performance.now();
    try {
      const device = await this.request(organizationId, deviceId);
      this.record({ ok: true, at: Date.now(), latencyMs: elapsed(started) });
      return device;
    } catch (error) {
      const failure =
        error instanceof LookupFailure ? error : new LookupFailure('The device service failed', `unexpected error: ${describe(error)}`);
      this.record({ ok: false, at: Date.now(), latencyMs: elapsed(started), detail: failure.detail }, failure.log);
      throw Object.assign(new DependencyUnavailableError(ErrorCode.DeviceDirectoryUnavailable, failure.detail), { cause: error });
    }
  }

  private async request(organizationId: string, deviceId: string): Promise<DirectoryDevice | null> {
    const url = `${this.settings.url}/api/v1/devices/${encodeURIComponent(deviceId)}`;
    const headers: Record<string, string> = { accept: 'application/json', 'x-organization-id': organizationId };
    if (this.settings.token !== undefined) headers.authorization = `Bearer ${this.settings.token}`;
    // One deadline for the whole exchange, body included.
    const signal = AbortSignal.timeout(this.settings.timeoutMs);

    let response: Response;
    try {
      response = await fetch(url, { headers, signal });
    } catch (error) {
      throw this.transportFailure(error, url);
    }

    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new LookupFailure(
        `The device service refused our credentials (HTTP ${response.status})`,
        `GET ${url} answered ${response.status}: check DEVICE_SERVICE_TOKEN`,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new LookupFailure(`The device service answered with an error (HTTP ${response.status})`, `GET ${url} answered ${response.status}`);
    }

    let text: string;
    try {
      text = await readCapped(response, MAX_BODY_BYTES);
    } catch (error) {
      throw error instanceof LookupFailure ? error : this.transportFailure(error, url);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw unusable(url, 'the body is not JSON');
    }
    return toDirectoryDevice(body, deviceId, url);
  }

  private transportFailure(error: unknown, url: string): LookupFailure {
    if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return new LookupFailure(
        `The device service did not answer within ${this.settings.timeoutMs} ms`,
        `GET ${url} timed out after ${this.settings.timeoutMs} ms`,
      );
    }
    return new LookupFailure('The device service cannot be reached', `GET ${url} failed: ${describe(error)}`);
  }

  /** Logs changes of state only: an outage would otherwise log once per request. */
  private record(outcome: Outcome, log?: string): void {
    const previous = this.lastOutcome;
    this.lastOutcome = outcome;
    if (!outcome.ok && (previous === undefined || previous.ok || previous.detail !== outcome.detail)) {
      this.logger.warn(`Device service unavailable: ${log ?? outcome.detail}`);
    } else if (outcome.ok && previous !== undefined && !previous.ok) {
      this.logger.log('Device service answers again');
    }
  }
}

/** A text field as device services send it: a string, a number, or nothing. */
const textField = z.union([z.string(), z.number()]).nullish();

const deviceRecord = z.object({
  device_id: z.union([z.string(), z.number()]).transform(String),
  device_type: textField,
  model: textField,
  device_model: textField,
  manufacturer: textField,
  hardware_version: textField,
  firmware_version: textField,
  current_version: textField,
});

/**
 * A device service's answer: the device object itself, or wrapped as `{device: {...}}` or
 * `{data: {...}}`, with either spelling of the version and model fields. One with fields of the
 * wrong type is unusable rather than half-read.
 */
const deviceAnswer = z.union([
  deviceRecord,
  z.object({ device: deviceRecord }).transform((answer) => answer.device),
  z.object({ data: deviceRecord }).transform((answer) => answer.data),
]);

/** The device of an answer; an answer about another device is unusable too. */
function toDirectoryDevice(body: unknown, askedId: string, url: string): DirectoryDevice {
  const parsed = deviceAnswer.safeParse(body);
  if (!parsed.success) throw unusable(url, `it is not a device record: ${z.prettifyError(parsed.error)}`);
  const record = parsed.data;
  if (record.device_id !== askedId) throw unusable(url, `it describes device ${JSON.stringify(record.device_id)}`);
  return {
    deviceId: askedId,
    deviceType: firstGiven(record.device_type),
    deviceModel: firstGiven(record.model, record.device_model),
    manufacturer: firstGiven(record.manufacturer),
    hardwareVersion: firstGiven(record.hardware_version),
    firmwareVersion: firstGiven(record.firmware_version, record.current_version),
  };
}

/** The first spelling the service sent, as text; an empty string means "unknown". */
function firstGiven(...values: (string | number | null | undefined)[]): string | null {
  const value = values.find((candidate) => candidate !== undefined && candidate !== null);
  return value === undefined || value === null || value === '' ? null : String(value);
}

function unusable(url: string, why: string): LookupFailure {
  return new LookupFailure('The device service gave an answer that cannot be used', `GET ${url} answered 2xx but ${why}`);
}

/** The body as text, refused once it grows past `limit` bytes. */
async function readCapped(response: Response, limit: number): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) throw new LookupFailure('The device service gave an answer that cannot be used', `${response.url} sent more than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch hides the network error (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}
