import type { FieldError } from '../../../common/errors/domain-error';
import { FALLBACK_ZONE, isValidTimeZone, type MaintenanceWindow, type WindowCalendar } from '../../campaigns/domain/maintenance-windows';

/** A single-device update's `maintenance_window`: every day from `start` to `end` (HH:MM) in `timezone` (default UTC). */
export interface DeviceWindow {
  start: string;
  end: string;
  timezone?: string;
}

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MINUTES = 24 * 60;

/**
 * What is wrong with a `maintenance_window` as sent: `start` and `end` must be HH:MM (an `end`
 * at or before `start` runs past midnight), `timezone` an IANA zone when given.
 */
export function deviceWindowProblems(value: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const at = (field: string): (string | number)[] => ['body', 'maintenance_window', field];
  for (const field of ['start', 'end'] as const) {
    if (typeof value[field] !== 'string' || !CLOCK_TIME.test(value[field])) {
      errors.push({ loc: at(field), msg: `${field} must be a time of day as HH:MM, e.g. "02:00"`, type: 'time' });
    }
  }
  const zone = value.timezone;
  if (zone !== undefined && zone !== null && (typeof zone !== 'string' || !isValidTimeZone(zone))) {
    errors.push({ loc: at('timezone'), msg: 'timezone must be an IANA time zone, e.g. "Europe/Paris"', type: 'time_zone' });
  }
  return errors;
}

/** The daily window as a campaign window: opens at `start` every day, for the minutes to `end` (24 h when equal). */
export function asMaintenanceWindow(window: DeviceWindow): MaintenanceWindow {
  const [startHour, startMinute] = window.start.split(':').map(Number);
  const [endHour, endMinute] = window.end.split(':').map(Number);
  const span = (endHour * 60 + endMinute - (startHour * 60 + startMinute) + DAY_MINUTES) % DAY_MINUTES;
  return { cron: `${startMinute} ${startHour} * * *`, duration_minutes: span === 0 ? DAY_MINUTES : span, time_zone: window.timezone ?? FALLBACK_ZONE };
}

/** A daily window at `now`: the end of the opening it is in (null: closed), and its next opening. */
export function dailyWindowState(calendar: WindowCalendar, window: DeviceWindow, now: Date): { endsAt: Date | null; nextOpening: Date } {
  const daily = [asMaintenanceWindow(window)];
  const open = calendar.releaseWindow(daily, [], null, now);
  return { endsAt: open.kind === 'all' ? open.endsAt : null, nextOpening: calendar.nextOpening(daily, [], null, now) as Date };
}
