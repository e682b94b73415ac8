import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type DeviceApi, fetchWithBackOff, type OfferedUpdate, type StatusReport } from './api-client';
import type { FleetActivity, WorkSlots } from './fleet-activity';
import type { DeviceCommand, MqttLink } from './mqtt-link';
import type { RunStats } from './run-stats';

export interface DeviceBehaviour {
  /** Share (0..1) of updates of kind `update` the device fails on purpose, at a random phase; a rollback never is. */
  failureRate: number;
  /** Share (0..1) of updates asking for consent that the device refuses once (and accepts a poll later). */
  refuseRate: number;
  /**
   * Share (0..1) of updates of kind `update` after which the device bricks on reboot: it reports
   * `completed` and is never heard of again, so a campaign's health check fails it.
   */
  brickRate: number;
  /** Mean pause before each phase report (uniformly 0.5x to 1.5x), standing in for real work. */
  phaseDelayMs: number;
  /** Pause between HTTP check-ins while waiting for work or for a blue-green switch. */
  pollMs: number;
  /** Epoch ms after which a device stops waiting for work. */
  deadline: number;
  /** Where relative download URLs are resolved. */
  origin: string;
  /** Aborted when the run ends before the deadline (a passive run whose fleet went idle): waiting devices stop at once. */
  stop: AbortSignal;
  /** A passive run: bounds the devices working on an update at once (a staged device gives its slot up while it waits). */
  slots?: WorkSlots;
  /** A passive run: told when a device starts and ends holding an update, for `--until-idle`. */
  activity?: FleetActivity;
}

/**
 * What the device expects the service to have recorded for an update it worked on: its last
 * report (`completed`, `failed` with the code), `cancelled` when the update ended without it
 * (cancelled, or a blue-green update dropped before its switch), `awaiting_activation` for a
 * blue-green update still staged when the run ended, and `rolled_back` for a completed update a
 * later rollback on the device undid.
 */
export interface Outcome {
  deviceId: string;
  updateId: string;
  /** `update` or `rollback`. */
  kind: string;
  /** The version the update installs. */
  toVersion: string;
  status: 'completed' | 'failed' | 'cancelled' | 'awaiting_activation' | 'rolled_back';
  errorCode?: string;
  /**
   * MQTT: a cancel came for the update after the device had published its last report, so the
   * service cancelled it before that report landed (and will refuse it): `cancelled` is right too.
   */
  cancelledFirst?: boolean;
  /** The device bricked after completing it: a campaign with a health window fails it (`health_check`). */
  bricked?: boolean;
}

/** The phase a failure is injected at, and the error code the device reports then. */
const INJECTED_FAILURES = [
  { phase: 'downloading', code: 'download_interrupted' },
  { phase: 'verifying', code: 'signature_invalid' },
  { phase: 'installing', code: 'install_failed' },
  { phase: 'rebooting', code: 'boot_failed' },
] as const;
type InjectedFailure = (typeof INJECTED_FAILURES)[number];

/** How the device's work on one update ended. */
type End =
  | { status: 'completed' }
  | { status: 'failed'; errorCode: string; injected: boolean }
  | { status: 'cancelled' }
  | { status: 'awaiting_activation' };

/** Holding one of the run's work slots (a no-op outside passive runs). */
interface Slot {
  take(): Promise<void>;
  give(): void;
}

class Cancelled extends Error {}

/**
 * One simulated device, the reference implementation of the device side of the protocol: it checks
 * in (with `If-None-Match`), learns of an update from the check-in (HTTP) or from a command
 * (MQTT), streams the image while hashing it, checks size, SHA-256 and MD5, reports every phase
 * in order, and reports `completed` with its new version (or `failed` with an error code).
 *
 * Blue-green (`activation: deferred`): it stops after installing to the standby slot, reports
 * `awaiting_activation` and waits (HTTP check-ins, or an MQTT `activate` command and then a
 * check-in) until the check-in says `activation: now`, then reports `rebooting` and `completed`;
 * if the update is cancelled or gone from the check-in meanwhile, the image is dropped.
 */
export class SimulatedDevice {
  /** The update of the last full check-in answer; a 304 means it still holds. */
  private offered: OfferedUpdate | null = null;
  /** Updates seen, with the `timeout_at` they were worked with and whether the device failed them. */
  private readonly handled = new Map<string, { timeoutAt: string | null; failed: boolean }>();
  /** The newest completed update to each version, which a rollback away from that version undoes. */
  private readonly completedTo = new Map<string, Outcome>();
  private current: { updateId: string; abort: AbortController } | undefined;
  private wakeUp: (() => void) | undefined;
  private commandPending = false;
  private activatePending = false;
  /** Completed an update and never came back (`--brick-rate`): no check-in, no report, ever. */
  private bricked = false;

  constructor(
    private readonly index: number,
    private readonly api: DeviceApi,
    private readonly link: MqttLink | undefined,
    private readonly stats: RunStats,
    private readonly behaviour: DeviceBehaviour,
    private firmwareVersion: string,
    private readonly outcomes: Map<string, Outcome>,
  ) {}

  get deviceId(): string {
    return this.api.deviceId;
  }

  /** Completed an update and never came back (`--brick-rate`): it does nothing more in this run. */
  get isBricked(): boolean {
    return this.bricked;
  }

  /** The version the device runs now. */
  get version(): string {
    return this.firmwareVersion;
  }

  private get stopped(): boolean {
    return this.bricked || this.behaviour.stop.aborted || Date.now() >= this.behaviour.deadline;
  }

  /** Subscribes to its commands (MQTT) and checks in once, as a device does when it starts. */
  async boot(): Promise<void> {
    if (this.link) await this.link.subscribe(this.index, this.deviceId, (command) => this.onCommand(command));
    await this.checkIn();
  }

  /**
   * Waits for updates until the run ends and works on each: just one with `once`. `finished` tells
   * whether the update the run released for this device has already ended without it (e.g. the
   * device was already on that version); it is asked now and then while nothing arrives.
   */
  async handleUpdates(options: { once: boolean; expectUpdate: boolean; finished?: () => Promise<boolean> }): Promise<void> {
    let idleRounds = 0;
    let worked = 0;
    while (!this.stopped) {
      let update = this.workable(this.offered);
      if (update === undefined) {
        await this.nap(this.link ? 5_000 : this.behaviour.pollMs);
        if (this.stopped) break;
        if (!this.link || this.commandPending) {
          this.commandPending = false;
          update = this.workable(await this.checkIn());
        }
      }
      if (update !== undefined) {
        await this.work(update);
        worked++;
        if (options.once) return;
        idleRounds = 0;
        continue;
      }
      idleRounds++;
      if (options.finished && idleRounds % 5 === 0 && (await options.finished())) {
        this.stats.alreadyFinished++;
        return;
      }
    }
    if (options.expectUpdate && worked === 0) {
      this.stats.devicesWithoutUpdate++;
      this.stats.error(`${this.deviceId}: no update arrived before the deadline`);
    }
  }

  /**
   * The offered update if the device should work on it: one it has not seen, or one it failed that
   * comes back with a new timeout (the service released an automatic retry).
   */
  private workable(update: OfferedUpdate | null): OfferedUpdate | undefined {
    if (update === null) return undefined;
    const seen = this.handled.get(update.update_id);
    if (seen === undefined) return update;
    return seen.failed && update.timeout_at !== null && update.timeout_at !== seen.timeoutAt ? update : undefined;
  }

  private async checkIn(): Promise<OfferedUpdate | null> {
    this.stats.checkIns++;
    const result = await this.api.checkIn(this.firmwareVersion);
    if (result.notModified) this.stats.checkInsNotModified++;
    else this.offered = result.answer.update;
    return this.offered;
  }

  private onCommand(command: DeviceCommand): void {
    const seen = this.handled.get(command.update_id);
    if (command.type === 'update_cancelled') {
      if (this.current?.updateId === command.update_id) this.current.abort.abort();
      else {
        this.handled.set(command.update_id, { timeoutAt: seen?.timeoutAt ?? null, failed: false });
        const finished = this.outcomes.get(command.update_id);
        if (finished !== undefined && (finished.status === 'completed' || finished.status === 'failed') && !finished.cancelledFirst) {
          finished.cancelledFirst = true;
          this.stats.cancelledBeforeReport++;
        }
      }
    } else if (command.type === 'activate') {
      // For the staged update: the switch. For any other: a check-in tells what it is about.
      if (this.current?.updateId === command.update_id) this.activatePending = true;
      else this.commandPending = true;
    } else if (command.type === 'update_available' && (seen === undefined || seen.failed)) {
      this.commandPending = true;
    } else {
      return;
    }
    this.wakeUp?.();
  }

  /** Waits `ms` at most: a command (MQTT) or the end of the run cuts it short. */
  private nap(ms: number): Promise<void> {
    const left = Math.min(ms, this.behaviour.deadline - Date.now());
    const stop = this.behaviour.stop;
    if (this.commandPending || this.activatePending || left <= 0 || stop.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stop.removeEventListener('abort', done);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, left);
      stop.addEventListener('abort', done);
      this.wakeUp = done;
    });
  }

  private async work(update: OfferedUpdate): Promise<void> {
    const started = performance.now();
    if (this.handled.has(update.update_id)) this.stats.retriesWorked++;
    this.handled.set(update.update_id, { timeoutAt: update.timeout_at, failed: false });
    this.stats.updatesReceived++;
    this.stats.kind(update.kind).received++;
    const abort = new AbortController();
    this.current = { updateId: update.update_id, abort };
    this.activatePending = false;
    this.behaviour.activity?.begin();
    const slots = this.behaviour.slots;
    let holding = false;
    const slot: Slot = {
      take: async () => {
        if (slots === undefined || holding) return;
        await slots.acquire();
        holding = true;
      },
      give: () => {
        if (slots === undefined || !holding) return;
        holding = false;
        slots.release();
      },
    };
    let end: End;
    try {
      await slot.take();
      end = await this.apply(update, abort.signal, slot);
    } catch (error) {
      // Cancelled while working (an MQTT command), or a report refused because the update ended
      // meanwhile (HTTP has no push): the final verification checks it was a cancel.
      const ended = error instanceof Cancelled || abort.signal.aborted || (error instanceof ReportRefused && error.refusal.code === 'update/terminal');
      if (!ended) throw error;
      end = { status: 'cancelled' };
    } finally {
      slot.give();
      this.current = undefined;
      this.behaviour.activity?.end();
    }
    this.record(update, end, started);
    if (end.status === 'completed' && update.kind === 'update' && Math.random() < this.behaviour.brickRate) {
      // The reboot into the new image never finishes: no check-in with the new version, ever.
      this.bricked = true;
      this.stats.bricked++;
      const outcome = this.outcomes.get(update.update_id);
      if (outcome) outcome.bricked = true;
      return;
    }
    if (end.status === 'completed') {
      // With a campaign's health window, this check-in (the new version) is what confirms the update.
      // After the reboot a device checks in with its new version. Over HTTP the report is already
      // applied, so the service must not offer the same update again (MQTT reports are applied
      // asynchronously, which the final verification covers).
      const next = await this.checkIn();
      if (!this.link && next?.update_id === update.update_id) {
        this.stats.error(`${this.deviceId}: update ${update.update_id} still offered after completed`);
      }
    }
  }

  /** Works through the phases of one update, as its `activation` says; returns how it ended. */
  private async apply(update: OfferedUpdate, signal: AbortSignal, slot: Slot): Promise<End> {
    const activation = update.activation ?? 'immediate';
    // Rollbacks are never failed on purpose: a walk-through that rolls a fleet back ends with every device back.
    const injected: InjectedFailure | undefined =
      update.kind === 'update' && Math.random() < this.behaviour.failureRate ? INJECTED_FAILURES[Math.floor(Math.random() * INJECTED_FAILURES.length)] : undefined;
    const step = async (report: StatusReport) => {
      await this.pause(signal);
      await this.report(update.update_id, report, signal);
    };
    const failIfInjected = async (phase: string): Promise<End | undefined> => {
      if (injected?.phase !== phase) return undefined;
      await step({ status: 'failed', error_code: injected.code, error_message: `simulated failure while ${phase} (--failure-rate)` });
      return { status: 'failed', errorCode: injected.code, injected: true };
    };
    let failed: End | undefined;

    if (activation === 'now') {
      // Offered already switched: this device staged it in an earlier run, whose reports the
      // service has. Nothing of that run is kept here, so the image is fetched and checked again.
      const mismatch = await this.downloadAndCheck(update, signal);
      if (mismatch) return mismatch;
      this.stats.activated++;
    } else {
      if (update.confirmation_required) await this.consent(update, signal);
      await this.report(update.update_id, { status: 'in_progress', progress_percentage: 0 }, signal);
      await step({ status: 'downloading', progress_percentage: 0, bytes_downloaded: 0 });
      if ((failed = await failIfInjected('downloading'))) return failed;
      const downloaded = await this.download(update, signal);
      this.stats.bytesDownloaded += downloaded.bytes;
      await this.report(update.update_id, { status: 'downloading', progress_percentage: 100, bytes_downloaded: downloaded.bytes }, signal);
      await step({ status: 'verifying' });
      const mismatch = await this.checkImage(update, downloaded, signal);
      if (mismatch) return mismatch;
      if ((failed = await failIfInjected('verifying'))) return failed;
      await step({ status: 'installing', progress_percentage: 0 });
      if ((failed = await failIfInjected('installing'))) return failed;

      if (activation === 'deferred') {
        // Blue-green phase 1 ends here: the image is on the standby slot, the device keeps running the old one.
        await step({ status: 'awaiting_activation' });
        this.stats.stagedReported++;
        slot.give();
        const switched = await this.awaitActivation(update.update_id, signal);
        if (switched === 'gone') return { status: 'cancelled' };
        if (switched === 'stopped') return { status: 'awaiting_activation' };
        this.stats.activated++;
        await slot.take();
      }
    }

    await step({ status: 'rebooting' });
    if ((failed = await failIfInjected('rebooting'))) return failed;
    await step({ status: 'completed', progress_percentage: 100, firmware_version: update.version });
    return { status: 'completed' };
  }

  /**
   * Consent for an update that asks for it: at `--refuse-rate` the device first refuses (its user
   * postponed it) and gives its consent a poll later, as hawkBit's consent flow allows.
   */
  private async consent(update: OfferedUpdate, signal: AbortSignal): Promise<void> {
    if (Math.random() < this.behaviour.refuseRate) {
      await this.api.confirm(update.update_id, { confirmed: false, reason: 'simulated refusal (--refuse-rate)' }, signal);
      this.stats.consentRefused++;
      await sleep(this.behaviour.pollMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) throw new Cancelled();
    }
    await this.api.confirm(update.update_id, { confirmed: true }, signal);
    this.stats.consentGiven++;
  }

  /**
   * A staged update waits for its campaign's switch: the device checks in every `--poll-ms`
   * (HTTP), or when a command wakes it (MQTT, and every 30 s in case one was missed). `now`: the
   * check-in says `activation: now`; `gone`: the check-in no longer has it (the campaign dropped
   * it); `stopped`: the run ended first. An MQTT cancel throws `Cancelled`.
   */
  private async awaitActivation(updateId: string, signal: AbortSignal): Promise<'now' | 'gone' | 'stopped'> {
    while (!this.stopped) {
      await this.nap(this.link ? 30_000 : this.behaviour.pollMs);
      if (signal.aborted) throw new Cancelled();
      if (this.stopped) break;
      this.activatePending = false;
      this.commandPending = false;
      const offered = await this.checkIn();
      if (offered === null || offered.update_id !== updateId) return 'gone';
      if (offered.activation === 'now') {
        // The switch starts a new timeout: only a later one would mean an automatic retry.
        const seen = this.handled.get(updateId);
        if (seen) seen.timeoutAt = offered.timeout_at;
        return 'now';
      }
    }
    return 'stopped';
  }

  /** Counts how the update ended and notes what the service should have recorded. */
  private record(update: OfferedUpdate, end: End, started: number): void {
    const tally = this.stats.kind(update.kind);
    const outcome: Outcome = { deviceId: this.deviceId, updateId: update.update_id, kind: update.kind, toVersion: update.version, status: end.status };
    switch (end.status) {
      case 'completed': {
        const left = this.firmwareVersion;
        this.firmwareVersion = update.version;
        this.stats.completed++;
        tally.completed++;
        this.stats.updateSeconds.push((performance.now() - started) / 1000);
        if (update.kind === 'rollback') {
          // The service marks the newest completed update to the version left `rolled_back`.
          const undone = this.completedTo.get(left);
          if (undone !== undefined) undone.status = 'rolled_back';
          this.completedTo.delete(left);
        }
        this.completedTo.set(update.version, outcome);
        break;
      }
      case 'failed': {
        outcome.errorCode = end.errorCode;
        if (end.injected) this.stats.failedInjected++;
        tally.failed++;
        const seen = this.handled.get(update.update_id);
        if (seen) seen.failed = true;
        break;
      }
      case 'cancelled':
        this.stats.cancelled++;
        tally.cancelled++;
        break;
      case 'awaiting_activation':
        tally.staged++;
        break;
    }
    // A retry's outcome replaces the one of the attempt before.
    this.outcomes.set(update.update_id, outcome);
  }

  /** Downloads the image and checks it; the failure reported on a mismatch, else undefined. */
  private async downloadAndCheck(update: OfferedUpdate, signal: AbortSignal): Promise<End | undefined> {
    const downloaded = await this.download(update, signal);
    this.stats.bytesDownloaded += downloaded.bytes;
    return this.checkImage(update, downloaded, signal);
  }

  private async checkImage(update: OfferedUpdate, image: { bytes: number; sha256: string; md5: string }, signal: AbortSignal): Promise<End | undefined> {
    const mismatch =
      image.bytes !== update.file_size
        ? `size ${image.bytes}, expected ${update.file_size}`
        : image.sha256 !== update.checksum_sha256
          ? `SHA-256 ${image.sha256}, expected ${update.checksum_sha256}`
          : image.md5 !== update.checksum_md5
            ? `MD5 ${image.md5}, expected ${update.checksum_md5}`
            : undefined;
    if (mismatch === undefined) return undefined;
    this.stats.checksumMismatches++;
    this.stats.error(`${this.deviceId}: downloaded image of update ${update.update_id}: ${mismatch}`);
    await this.report(update.update_id, { status: 'failed', error_code: 'checksum_mismatch', error_message: mismatch }, signal);
    return { status: 'failed', errorCode: 'checksum_mismatch', injected: false };
  }

  private async report(updateId: string, report: StatusReport, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new Cancelled();
    if (this.link) await this.link.report(this.index, this.deviceId, updateId, report);
    else {
      try {
        await this.api.report(updateId, report, signal);
      } catch (error) {
        // A cancel the device has not heard of yet (HTTP has no push): the service refuses the
        // report of a terminal update (`update/terminal`); any other refusal is a real error.
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
    const res = await fetchWithBackOff(new URL(update.download_url, this.behaviour.origin), { signal }, (waitMs) => this.stats.rateLimited(waitMs));
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

/** The service refused a report (409): the update ended meanwhile (`update/terminal`), or the report was out of step. */
export class ReportRefused extends Error {
  constructor(
    readonly updateId: string,
    readonly refusal: ApiError,
  ) {
    super(refusal.message);
  }
}
