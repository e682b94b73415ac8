import { type MaintenanceWindow, usesDeviceZone, WindowCalendar, windowProblems } from './maintenance-windows';

const at = (iso: string): Date => new Date(iso);

describe('WindowCalendar.releaseWindow', () => {
  // 02:00-04:00 local time every day.
  const nightly: MaintenanceWindow = { cron: '0 2 * * *', duration_minutes: 120, time_zone: 'device' };

  it('opens device-zone windows only in the zones where it is night now, each with its own end', () => {
    const calendar = new WindowCalendar();
    // 01:30 UTC: 02:30 in Paris (winter, UTC+1), 20:30 in New York.
    const window = calendar.releaseWindow([nightly], ['Europe/Paris', 'America/New_York'], null, at('2026-01-15T01:30:00Z'));
    expect(window).toEqual({ kind: 'zones', zones: ['Europe/Paris'], ends: [at('2026-01-15T03:00:00Z')] });
    // 07:30 UTC: 02:30 in New York, 08:30 in Paris.
    expect(calendar.releaseWindow([nightly], ['Europe/Paris', 'America/New_York'], null, at('2026-01-15T07:30:00Z'))).toEqual({
      kind: 'zones',
      zones: ['America/New_York'],
      ends: [at('2026-01-15T09:00:00Z')],
    });
    expect(calendar.releaseWindow([nightly], ['Europe/Paris', 'America/New_York'], null, at('2026-01-15T12:00:00Z'))).toEqual({ kind: 'closed' });
  });

  it('treats the end of an opening as closed and its first minute as open', () => {
    const calendar = new WindowCalendar();
    const fixed = [{ ...nightly, time_zone: 'UTC' }];
    expect(calendar.releaseWindow(fixed, [], null, at('2026-01-15T02:00:00Z'))).toEqual({ kind: 'all', endsAt: at('2026-01-15T04:00:00Z') });
    expect(calendar.releaseWindow(fixed, [], null, at('2026-01-15T03:59:59.999Z'))).toEqual({ kind: 'all', endsAt: at('2026-01-15T04:00:00Z') });
    expect(calendar.releaseWindow(fixed, [], null, at('2026-01-15T04:00:00Z'))).toEqual({ kind: 'closed' });
    expect(calendar.releaseWindow(fixed, [], null, at('2026-01-15T01:59:59Z'))).toEqual({ kind: 'closed' });
  });

  it('ends an opening of a frequent cron at the latest opening plus its duration, across a week', () => {
    const calendar = new WindowCalendar();
    const everyFive = [{ cron: '*/5 * * * *', duration_minutes: 10_080, time_zone: 'Asia/Tokyo' }];
    expect(calendar.releaseWindow(everyFive, [], null, at('2026-01-15T10:07:30Z'))).toEqual({ kind: 'all', endsAt: at('2026-01-22T10:05:00Z') });
  });

  it('opens every zone while a fixed-zone window is open, and none has ended before it', () => {
    const calendar = new WindowCalendar();
    const windows: MaintenanceWindow[] = [nightly, { cron: '0 12 * * 1-5', duration_minutes: 60, time_zone: 'UTC' }];
    // Thursday 12:30 UTC: the fixed window is open for everyone until 13:00.
    expect(calendar.releaseWindow(windows, ['Europe/Paris', 'Asia/Kolkata'], null, at('2026-01-15T12:30:00Z'))).toEqual({
      kind: 'zones',
      zones: ['Europe/Paris', 'Asia/Kolkata'],
      ends: [at('2026-01-15T13:00:00Z'), at('2026-01-15T13:00:00Z')],
    });
  });

  it('is unrestricted without windows', () => {
    expect(new WindowCalendar().releaseWindow(null, ['UTC'], null, at('2026-01-15T12:00:00Z'))).toEqual({ kind: 'unrestricted' });
    expect(new WindowCalendar().releaseWindow([], ['UTC'], null, at('2026-01-15T12:00:00Z'))).toEqual({ kind: 'unrestricted' });
  });

  it('remembers a state until it can change, and never answers a moment it did not cover', () => {
    const calendar = new WindowCalendar();
    const fixed = [{ ...nightly, time_zone: 'UTC' }];
    expect(calendar.releaseWindow(fixed, [], null, at('2026-01-15T05:00:00Z'))).toEqual({ kind: 'closed' });
    expect(calendar.releaseWindow(fixed, [], null, at('2026-01-16T02:10:00Z'))).toEqual({ kind: 'all', endsAt: at('2026-01-16T04:00:00Z') });
    // Back in time (a test clock): evaluated again, not taken from the later state.
    expect(calendar.releaseWindow(fixed, [], null, at('2026-01-15T05:00:00Z'))).toEqual({ kind: 'closed' });
  });
});

describe('WindowCalendar zones', () => {
  it('judges a row zone that is no zone in the default zone', () => {
    const calendar = new WindowCalendar();
    const nightly: MaintenanceWindow[] = [{ cron: '0 2 * * *', duration_minutes: 60, time_zone: 'device' }];
    // 01:30 UTC is 02:30 in Paris: the bogus zone is open with Paris, under its own name.
    expect(calendar.releaseWindow(nightly, ['Not/AZone', 'Asia/Tokyo'], 'Europe/Paris', at('2026-01-15T01:30:00Z'))).toEqual({
      kind: 'zones',
      zones: ['Not/AZone'],
      ends: [at('2026-01-15T02:00:00Z')],
    });
  });
});

describe('WindowCalendar.nextOpening', () => {
  it('is the earliest opening after now over every window and zone, null without windows', () => {
    const calendar = new WindowCalendar();
    const windows: MaintenanceWindow[] = [{ cron: '0 2 * * *', duration_minutes: 60, time_zone: 'device' }];
    expect(calendar.nextOpening(windows, ['Europe/Paris', 'Asia/Tokyo'], null, at('2026-01-15T12:00:00Z'))).toEqual(at('2026-01-15T17:00:00Z'));
    expect(calendar.nextOpening(null, ['UTC'], null, at('2026-01-15T12:00:00Z'))).toBeNull();
  });
});

describe('windowProblems', () => {
  it('names each bad cron and zone by its place', () => {
    const problems = windowProblems(
      [
        { cron: '0 2 * * *', duration_minutes: 60, time_zone: 'device' },
        { cron: '0 2 * *', duration_minutes: 60, time_zone: 'UTC' },
        { cron: '0 25 * * *', duration_minutes: 60, time_zone: 'Mars/Olympus' },
        { cron: '0 0 2 * * *', duration_minutes: 60, time_zone: 'Europe/Paris' },
        { cron: '@daily', duration_minutes: 60, time_zone: 'Europe/Paris' },
      ],
      'Nowhere/Land',
    );
    expect(problems.map((problem) => problem.loc.join('.'))).toEqual([
      'body.maintenance_windows.1.cron',
      'body.maintenance_windows.2.cron',
      'body.maintenance_windows.2.time_zone',
      'body.maintenance_windows.3.cron',
      'body.maintenance_windows.4.cron',
      'body.default_time_zone',
    ]);
    expect(windowProblems(null, 'device')).toHaveLength(1);
    expect(windowProblems(null, 'America/Argentina/Buenos_Aires')).toEqual([]);
  });

  it('knows when rows need their device zone', () => {
    expect(usesDeviceZone(null)).toBe(false);
    expect(usesDeviceZone([{ cron: '0 2 * * *', duration_minutes: 60, time_zone: 'UTC' }])).toBe(false);
    expect(usesDeviceZone([{ cron: '0 2 * * *', duration_minutes: 60, time_zone: 'device' }])).toBe(true);
  });
});
