import { ACTIVE_STATUSES, canRetry, judgeDeviceReport, RELEASED_STATUSES, retryDelayMs } from './update-state';

describe('device update state machine', () => {
  it('accepts forward reports, skipping states', () => {
    expect(judgeDeviceReport('scheduled', 'downloading')).toEqual({ kind: 'accept', changed: true });
    expect(judgeDeviceReport('downloading', 'completed')).toEqual({ kind: 'accept', changed: true });
    expect(judgeDeviceReport('installing', 'failed')).toEqual({ kind: 'accept', changed: true });
  });

  it('accepts a repeat of the current state as progress, not a change', () => {
    expect(judgeDeviceReport('downloading', 'downloading')).toEqual({ kind: 'accept', changed: false });
  });

  it('refuses going backwards', () => {
    expect(judgeDeviceReport('verifying', 'downloading')).toEqual({ kind: 'backwards' });
    expect(judgeDeviceReport('rebooting', 'in_progress')).toEqual({ kind: 'backwards' });
  });

  it('keeps terminal states final and unreleased updates out of the device\'s reach', () => {
    for (const terminal of ['completed', 'failed', 'cancelled', 'rolled_back'] as const) {
      expect(judgeDeviceReport(terminal, 'completed')).toEqual({ kind: 'terminal' });
    }
    expect(judgeDeviceReport('created', 'downloading')).toEqual({ kind: 'not_released' });
  });

  it('refuses every report on an update waiting for the device\'s consent', () => {
    for (const reported of ['in_progress', 'downloading', 'completed', 'failed'] as const) {
      expect(judgeDeviceReport('awaiting_confirmation', reported)).toEqual({ kind: 'awaiting_confirmation' });
    }
  });

  it('lists active and released states consistently with the partial unique index', () => {
    expect(ACTIVE_STATUSES).toEqual(['created', 'scheduled', 'awaiting_confirmation', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting']);
    expect(RELEASED_STATUSES).not.toContain('created');
  });

  it('retries failed updates while retries remain, with a growing capped delay', () => {
    expect(canRetry({ status: 'failed', retryCount: 0, maxRetries: 1 })).toBe(true);
    expect(canRetry({ status: 'failed', retryCount: 1, maxRetries: 1 })).toBe(false);
    expect(canRetry({ status: 'completed', retryCount: 0, maxRetries: 3 })).toBe(false);
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt))).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(retryDelayMs(20)).toBe(3_600_000);
  });
});
