import { WindowCalendar } from '../../campaigns/domain/maintenance-windows';
import { asMaintenanceWindow, dailyWindowState, deviceWindowProblems } from './device-window';

describe('single-device maintenance_window', () => {
  it('is a daily campaign window from start for the minutes to end, past midnight when end comes first', () => {
    expect(asMaintenanceWindow({ start: '02:00', end: '04:30', timezone: 'Europe/Paris' })).toEqual({ cron: '0 2 * * *', duration_minutes: 150, time_zone: 'Europe/Paris' });
    expect(asMaintenanceWindow({ start: '23:45', end: '00:15' })).toEqual({ cron: '45 23 * * *', duration_minutes: 30, time_zone: 'UTC' });
    expect(asMaintenanceWindow({ start: '00:00', end: '00:00' })).toEqual({ cron: '0 0 * * *', duration_minutes: 1440, time_zone: 'UTC' });
  });

  it('knows whether it is open and when it ends or next opens', () => {
    const calendar = new WindowCalendar();
    const window = { start: '23:45', end: '00:15' };
    expect(dailyWindowState(calendar, window, new Date('2026-01-15T00:05:00Z'))).toEqual({
      endsAt: new Date('2026-01-15T00:15:00Z'),
      nextOpening: new Date('2026-01-15T23:45:00Z'),
    });
    expect(dailyWindowState(calendar, window, new Date('2026-01-15T12:00:00Z'))).toEqual({ endsAt: null, nextOpening: new Date('2026-01-15T23:45:00Z') });
  });

  it('names what is wrong', () => {
    expect(deviceWindowProblems({ start: '02:00', end: '04:00', timezone: 'UTC' })).toEqual([]);
    expect(deviceWindowProblems({ start: '2:00', end: 400, timezone: 'Atlantis' }).map((error) => error.loc.join('.'))).toEqual([
      'body.maintenance_window.start',
      'body.maintenance_window.end',
      'body.maintenance_window.timezone',
    ]);
  });
});
