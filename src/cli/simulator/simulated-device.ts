import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type DeviceApi, type OfferedUpdate, type StatusReport } from './api-client';
import type { DeviceCommand, MqttLink } from './mqtt-link';
import type { RunStats } from './run-stats';

export interface DeviceBehaviour {
  /** Share of updates (0..1) the device fails on purpose, at a random phase. */
  failureRate: number;
  /** Mean pause before each phase report (uniformly 0.5x to 1.5x), standing in for real work. */
  phaseDelayMs: number;
  /** Pause between HTTP check-ins while waiting for work. */
  pollMs: number;
  /** Epoch ms after which a device stops waiting for work. */
  deadline: number;
  /** Where relative download URLs are resolved. */
  origin: string;
}

/** What the device expects the service to have recorded for an update it worked on. */
export interface Outcome {
  deviceId: string;
  updateId: string;
  status: 'completed' | 'failed';
  errorCode?: string;
}

/** The phase a failure is injected at, and the error code the device reports then. */
const INJECTED_FAILURES = [
  { phase: 'downloading', code: 'download_interrupted' },
  { phase: 'verifying', code: 'signature_invalid' },
  { phase: 'installing', code: 'install_failed' },
  { phase: 'rebooting', code: 'boot_failed' },
] as const;

class Cancelled extends Error {}

/**
 * One simulated device, the reference implementation of the device side of the protocol: it checks
 * in (with `If-None-Match`), learns of an update from the check-in (HTTP) or from a command
 * (MQTT), streams the image while hashing it, checks size, SHA-256 and MD5, reports every phase
 * in order, and reports `completed` with its new version (or `failed` with an error code).
 */
export class SimulatedDevice {
  /** The update of the last full check-in answer; a 304 means it still holds. */
  private offered: OfferedUpdate | null = null;
  private readonly handled = new Set<string>();
  private current: { updateId: string; abort: AbortController } | undefined;
  private wakeUp: (() => void) | undefined;
  private commandPending = false;

  constructor(
    private readonly index: number,
    private readonly api: DeviceApi,
    private readonly link: MqttLink | undefined,
    private readonly stats: RunStats,
    private readonly behaviour: DeviceBehaviour,
    private firmwareVersion: string,
    private readonly outcomes: Outcome[],
  ) {}

  get deviceId(): string {
    return this.api.deviceId;
  }

  /** Subscribes to its commands (MQTT) and checks in once, as a device does when it starts. */
  async boot(): Promise<void> {
    if (this.link) await this.link.subscribe(this.index, this.deviceId, (command) => this.onCommand(command));
    await this.checkIn();
  }

  /**
   * Waits for one update (until the deadline) and works on it. `finished` tells whether the update
   * the run released for this device has already ended without it (e.g. the device was already on
   * that version); it is asked now and then while nothing arrives.
   */
  async handleOneUpdate(options: { expectUpdate: boolean; finished?: () => Promise<boolean> }): Promise<void> {
    let idleRounds = 0;
    while (Date.now() < this.behaviour.deadline) {
      let update = this.unhandled(this.offered);
      if (update === undefined) {
        if (this.link) await this.waitForCommand(Math.min(5_000, this.behaviour.deadline - Date.now()));
        else await sleep(this.behaviour.pollMs);
        if (!this.link || this.commandPending) {
          this.commandPending = false;
          update = this.unhandled(await this.checkIn());
        }
      }
      if (update !== undefined) {
        await this.work(update);
        return;
      }
      idleRounds++;
      if (options.finished && idleRounds % 5 === 0 && (await options.finished())) {
        this.stats.alreadyFinished++;
        return;
      }
    }
    if (options.expectUpdate) {
      this.stats.devicesWithoutUpdate++;
      this.stats.error(`${this.deviceId}: no update arrived before the deadline`);
    }
  }

  private unhandled(update: OfferedUpdate | null): OfferedUpdate | undefined {
    return update !== null && !this.handled.has(update.update_id) ? update : undefined;
  }

  private async checkIn(): Promise<OfferedUpdate | null> {
    this.stats.checkIns++;
    const result = await this.api.checkIn(this.firmwareVersion);
    if (result.notModified) this.stats.checkInsNotModified++;
    else this.offered = result.answer.update;
    return this.offered;
  }

  private onCommand(command: DeviceCommand): void {
    if (command.type === 'update_cancelled') {
      if (this.current?.updateId === command.update_id) this.current.abort.abort();
      this.handled.add(command.update_id);
      return;
    }
    if (command.type === 'update_available' && !this.handled.has(command.update_id)) {
      this.commandPending = true;
      this.wakeUp?.();
    }
  }

  private waitForCommand(ms: number): Promise<void> {
    if (this.commandPending || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  private async work(update: OfferedUpdate): Promise<void> {
    const started = performance.now();
    this.handled.add(update.update_id);
    this.stats.updatesReceived++;
    const abort = new AbortController();
    this.current = { updateId: update.update_id, abort };
    const injected = Math.random() < this.behaviour.failureRate ? INJECTED_FAILURES[Math.floor(Math.random() * INJECTED_FAILURES.length)] : undefined;
    const step = async (report: StatusReport) => {
      await this.pause(abort.signal);
      await this.report(update.update_id, report, abort.signal);
    };
    const failIfInjected = async (phase: string) => {
      if (injected?.phase !== phase) return false;
      await step({ status: 'failed', error_code: injected.code, error_message: `simulated failure while ${phase} (--failure-rate)` });
      this.stats.failedInjected++;
      this.outcomes.push({ deviceId: this.deviceId, updateId: update.update_id, status: 'failed', errorCode: injected.code });
      return true;
    };
    try {
      await this.report(update.update_id, { status: 'in_progress', progress_percentage: 0 }, abort.signal);
      await step({ status: 'downloading', progress_percentage: 0, bytes_downloaded: 0 });
      if (await failIfInjected('downloading')) return;
      const image = await this.download(update, abort.signal);
      this.stats.bytesDownloaded += image.bytes;
      await this.report(update.update_id, { status: 'downloading', progress_percentage: 100, bytes_downloaded: image.bytes }, abort.signal);

      await step({ status: 'verifying' });
      const mismatch =
        image.bytes !== update.file_size
          ? `size ${image.bytes}, expected ${update.file_size}`
          : image.sha256 !== update.checksum_sha256
            ? `SHA-256 ${image.sha256}, expected ${update.checksum_sha256}`
            : image.md5 !== update.checksum_md5
              ? `MD5 ${image.md5}, expected ${update.checksum_md5}`
              : undefined;
      if (mismatch !== undefined) {
        this.stats.checksumMismatches++;
        this.stats.error(`${this.deviceId}: downloaded image of update ${update.update_id}: ${mismatch}`);
        await this.report(update.update_id, { status: 'failed', error_code: 'checksum_mismatch', error_message: mismatch }, abort.signal);
        this.outcomes.push({ deviceId: this.deviceId, updateId: update.update_id, status: 'failed', errorCode: 'checksum_mismatch' });
        return;
      }
      if (await failIfInjected('verifying')) return;
      await step({ status: 'installing', progress_percentage: 0 });
      if (await failIfInjected('installing')) return;
      await step({ status: 'rebooting' });
      if (await failIfInjected('rebooting')) return;
      await step({ status: 'completed', progress_percentage: 100, firmware_version: update.version });
      this.firmwareVersion = update.version;
      this.stats.completed++;
      this.stats.updateSeconds.push((performance.now() - started) / 1000);
      this.outcomes.push({ deviceId: this.deviceId, updateId: update.update_id, status: 'completed' });
      // After the reboot a device checks in with its new version. Over HTTP the report is already
      // applied, so the service must not offer the same update again (MQTT reports are applied
      // asynchronously, which the final verification covers).
      const next = await this.checkIn();
      if (!this.link && next?.update_id === update.update_id) {
        this.stats.error(`${this.deviceId}: update ${update.update_id} still offered after completed`);
      }
    } catch (error) {
      if (error instanceof Cancelled || abort.signal.aborted) {
        this.stats.cancelled++;
        return;
      }
      throw error;
    } finally {
      this.current = undefined;
    }
  }

  private async report(updateId: string, report: StatusReport, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new Cancelled();
    if (this.link) await this.link.report(this.index, this.deviceId, updateId, report);
    else {
      try {
        await this.api.report(updateId, report, signal);
      } catch (error) {
        // A cancel the device has not heard of yet (HTTP has no push): the service refuses the
        // report of a terminal update; the caller checks which terminal state it is.
        if (error instanceof ApiError && error.status === 409) throw new ReportRefused(updateId, error);
        throw error;
      }
    }
    this.stats.reportsSent++;
  }

  private async pause(signal: AbortSignal): Promise<void> {
    const ms = this.behaviour.phaseDelayMs * (0.5 + Math.random());
    if (ms > 0) await sleep(ms, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) throw new Cancelled();
  }

  /** Streams the image, hashing as it goes (nothing holds the whole image). */
  private async download(update: OfferedUpdate, signal: AbortSignal): Promise<{ bytes: number; sha256: string; md5: string }> {
    const res = await fetch(new URL(update.download_url, this.behaviour.origin), { signal });
    if (!res.ok || res.body === null) throw new Error(`download of update ${update.update_id} answered ${res.status}`);
    const sha256 = createHash('sha256');
    const md5 = createHash('md5');
    let bytes = 0;
    for await (const chunk of res.body) {
      sha256.update(chunk);
      md5.update(chunk);
      bytes += chunk.length;
    }
    return { bytes, sha256: sha256.digest('hex'), md5: md5.digest('hex') };
  }
}

/** The service refused a report (409): the update ended meanwhile, e.g. an operator cancelled it. */
export class ReportRefused extends Error {
  constructor(
    readonly updateId: string,
    readonly refusal: ApiError,
  ) {
    super(refusal.message);
  }
}
