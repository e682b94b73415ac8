import { CronTime } from 'cron';
import type { FieldError } from '../../../common/errors/domain-error';

/** A window's `time_zone` meaning each device's own zone (its `timezone` attribute). */
export const DEVICE_ZONE = 'device';
/** The zone of a device without (or with an unusable) `timezone` attribute, when the campaign names none. */
export const FALLBACK_ZONE = 'UTC';
export const MAX_WINDOWS = 20;
export const MAX_WINDOW_MINUTES = 7 * 24 * 60;
/** Longest zone name a row can hold (`device_updates.time_zone` is varchar(64)). */
const MAX_ZONE_LENGTH = 64;
const MINUTE = 60_000;

/** A campaign's maintenance window as stored (the request's field names). */
export interface MaintenanceWindow {
  /** Five fields: minute hour day-of-month month day-of-week; each match opens the window. */
  cron: string;
  duration_minutes: number;
  /** An IANA zone, or {@link DEVICE_ZONE}. */
  time_zone: string;
}

/**
 * Where a campaign may release now: `unrestricted` (no windows), `closed` (no window open
 * anywhere), `all` (a fixed-zone window is open: every row, until `endsAt`), or `zones` (rows
 * whose zone is one of `zones`, each until the end at the same index of `ends`).
 */
export type ReleaseWindow =
  | { kind: 'unrestricted' }
  | { kind: 'closed' }
  | { kind: 'all'; endsAt: Date }
  | { kind: 'zones'; zones: string[]; ends: Date[] };

/** A campaign's windows as stored (a JSON column, written only from validated requests); null or none: no restriction. */
export function windowsOf(campaign: { maintenanceWindows: unknown }): MaintenanceWindow[] | null {
  const windows = campaign.maintenanceWindows as MaintenanceWindow[] | null;
  return windows === null || windows.length === 0 ? null : windows;
}

/**
 * When a window of the campaign next opens after `now`, in any of its devices' zones (before the
 * start, when they are not known yet, in its default zone); null without windows.
 */
export function nextWindowAt(
  calendar: WindowCalendar,
  campaign: { maintenanceWindows: unknown; deviceTimeZones: string[]; defaultTimeZone: string | null },
  now: Date,
): Date | null {
  const zones = campaign.deviceTimeZones.length > 0 ? campaign.deviceTimeZones : [campaign.defaultTimeZone ?? FALLBACK_ZONE];
  return calendar.nextOpening(windowsOf(campaign), zones, campaign.defaultTimeZone, now);
}

/** Zone names already judged, so a tick over hundreds of zones does not build a formatter for each. */
const judgedZones = new Map<string, boolean>();

/** A zone name Node's `Intl` knows (IANA, or an alias of one; what `cron` and luxon accept), short enough for a row; never `device`. */
export function isValidTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > MAX_ZONE_LENGTH || name === DEVICE_ZONE) return false;
  let valid = judgedZones.get(name);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      valid = true;
    } catch {
      valid = false;
    }
    if (judgedZones.size >= MAX_REMEMBERED) judgedZones.clear();
    judgedZones.set(name, valid);
  }
  return valid;
}

/** Whether any window is judged in each device's zone (rows then carry their device's zone). */
export function usesDeviceZone(windows: readonly MaintenanceWindow[] | null): boolean {
  return (windows ?? []).some((window) => window.time_zone === DEVICE_ZONE);
}

/** What is wrong with the windows' cron expressions and zones, and the default zone (their shape and ranges are the DTO's). */
export function windowProblems(windows: readonly MaintenanceWindow[] | null, defaultTimeZone: string | null): FieldError[] {
  const errors: FieldError[] = [];
  (windows ?? []).forEach((window, index) => {
    const problem = cronProblem(window.cron);
    if (problem !== null) errors.push({ loc: ['body', 'maintenance_windows', index, 'cron'], msg: problem, type: 'cron' });
    if (window.time_zone !== DEVICE_ZONE && !isValidTimeZone(window.time_zone)) {
      errors.push({ loc: ['body', 'maintenance_windows', index, 'time_zone'], msg: `"${window.time_zone}" is neither an IANA time zone nor "device"`, type: 'time_zone' });
    }
  });
  if (defaultTimeZone !== null && !isValidTimeZone(defaultTimeZone)) {
    errors.push({ loc: ['body', 'default_time_zone'], msg: `"${defaultTimeZone}" is not an IANA time zone`, type: 'time_zone' });
  }
  return errors;
}

/** Why a cron expression is refused, or null: exactly five fields, each valid for the `cron` package. */
function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || fields[0].startsWith('@')) return 'cron must have five fields: minute hour day-of-month month day-of-week';
  const check = CronTime.validateCronExpression(fields.join(' '));
  return check.valid ? null : `Invalid cron expression: ${check.error?.message ?? 'unreadable'}`;
}

/** One window in one zone at one moment: the end of the opening it is in (null: closed), and its next opening. */
interface WindowState {
  endsAt: Date | null;
  nextOpening: Date;
}

interface Remembered extends WindowState {
  from: number;
  until: number;
}

/** Entries a calendar remembers before it starts over (a window in a zone is one entry). */
const MAX_REMEMBERED = 50_000;

/**
 * Evaluates maintenance windows with the `cron` package. A cron evaluation costs a fraction of a
 * millisecond and a campaign judged in device zones has one per zone, so each (window, zone)
 * state is remembered until it can next change (the opening ends, or the next one starts): a
 * tick over 400 zones then costs map lookups, and cron runs only when a window opens or closes.
 */
export class WindowCalendar {
  private readonly remembered = new Map<string, Remembered>();
  private readonly crons = new Map<string, CronTime>();

  /**
   * Where a campaign may release at `now`: its fixed-zone windows once, its device-zone windows
   * in each zone of `deviceZones` (the distinct zones of its rows; a name that is no zone counts
   * as `defaultZone`). A zone's end is the latest end of the openings it is in.
   */
  releaseWindow(windows: readonly MaintenanceWindow[] | null, deviceZones: readonly string[], defaultZone: string | null, now: Date): ReleaseWindow {
    if (windows === null || windows.length === 0) return { kind: 'unrestricted' };
    const fixedEnd = latest(windows.filter((window) => window.time_zone !== DEVICE_ZONE).map((window) => this.state(window, window.time_zone, now).endsAt));
    const perDevice = windows.filter((window) => window.time_zone === DEVICE_ZONE);
    if (perDevice.length === 0) return fixedEnd === null ? { kind: 'closed' } : { kind: 'all', endsAt: fixedEnd };
    const zones: string[] = [];
    const ends: Date[] = [];
    for (const zone of deviceZones) {
      const judged = zoneOrDefault(zone, defaultZone);
      const end = latest([fixedEnd, ...perDevice.map((window) => this.state(window, judged, now).endsAt)]);
      if (end === null) continue;
      zones.push(zone);
      ends.push(end);
    }
    return zones.length === 0 ? { kind: 'closed' } : { kind: 'zones', zones, ends };
  }

  /** The earliest opening after `now` of any window in any of its zones; null without windows. */
  nextOpening(windows: readonly MaintenanceWindow[] | null, deviceZones: readonly string[], defaultZone: string | null, now: Date): Date | null {
    let next: Date | null = null;
    const judged = [...new Set(deviceZones.map((zone) => zoneOrDefault(zone, defaultZone)))];
    for (const window of windows ?? []) {
      for (const zone of window.time_zone === DEVICE_ZONE ? judged : [window.time_zone]) {
        const opening = this.state(window, zone, now).nextOpening;
        if (next === null || opening < next) next = opening;
      }
    }
    return next;
  }

  private state(window: MaintenanceWindow, zone: string, now: Date): WindowState {
    const key = `${window.cron}\u0000${window.duration_minutes}\u0000${zone}`;
    const time = now.getTime();
    const known = this.remembered.get(key);
    if (known !== undefined && known.from <= time && time < known.until) return known;
    const state = evaluate(this.cron(window.cron, zone), zone, window.duration_minutes, now);
    if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
    this.remembered.set(key, { ...state, from: time, until: Math.min(state.endsAt?.getTime() ?? Infinity, state.nextOpening.getTime()) });
    return state;
  }

  private cron(expression: string, zone: string): CronTime {
    const key = `${expression}\u0000${zone}`;
    let cron = this.crons.get(key);
    if (cron === undefined) {
      if (this.crons.size >= MAX_REMEMBERED) this.crons.clear();
      cron = new CronTime(expression, zone);
      this.crons.set(key, cron);
    }
    return cron;
  }
}

/**
 * The window's state at `now`: it is open when it opened within the last `duration` minutes. The
 * latest opening at or before `now` is found by bisecting on how far back to look (`next` after
 * `now - s` is at or before `now` exactly when s reaches back past that opening); openings fall on
 * whole minutes, so minute steps find it exactly, in log2(duration) evaluations.
 */
function evaluate(cron: CronTime, zone: string, durationMinutes: number, now: Date): WindowState {
  const next = (from: number): number => cron.getNextDateFrom(new Date(from), zone).toMillis();
  const time = now.getTime();
  const nextOpening = new Date(next(time));
  if (next(time - durationMinutes * MINUTE) > time) return { endsAt: null, nextOpening };
  let low = 0; // looking back this many minutes finds no opening
  let high = durationMinutes; // this many does
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (next(time - middle * MINUTE) <= time) high = middle;
    else low = middle;
  }
  const opened = next(time - high * MINUTE);
  return { endsAt: new Date(opened + durationMinutes * MINUTE), nextOpening };
}

/** The zone a row's windows are judged in: its own, or the default when its name is no zone. */
function zoneOrDefault(zone: string, defaultZone: string | null): string {
  return isValidTimeZone(zone) ? zone : (defaultZone ?? FALLBACK_ZONE);
}

function latest(dates: (Date | null)[]): Date | null {
  let found: Date | null = null;
  for (const date of dates) if (date !== null && (found === null || date > found)) found = date;
  return found;
}
