import { deviceReportEffect, type DeviceReport, type ReportedUpdate } from './device-report';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const CONTEXT = { now: NOW, firmwareSigned: true, retryBaseDelayMs: 60_000 };

function update(overrides: Partial<ReportedUpdate> = {}): ReportedUpdate {
  return {
    status: 'scheduled',
    activation: 'immediate',
    timeoutAt: new Date('2026-03-01T13:00:00.000Z'),
    currentPhase: 'scheduled',
    toVersion: '2.0.0',
    retryCount: 0,
    maxRetries: 3,
    downloadSize: 4096n,
    bytesDownloaded: 0n,
    downloadSpeed: null,
    progressPercentage: 0,
    checksumVerified: false,
    signatureVerified: false,
    errorCode: null,
    errorMessage: null,
    startedAt: null,
    completedAt: null,
    nextRetryAt: null,
    progressWrittenAt: null,
    updatedAt: new Date('2026-03-01T11:00:00.000Z'),
    ...overrides,
  };
}

const secondsAgo = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

describe('deviceReportEffect (pure)', () => {
  it('starts the update: new state, start time, started event, no download yet', () => {
    const effect = deviceReportEffect(update(), { status: 'in_progress' }, CONTEXT);
    expect(effect).toMatchObject({ kind: 'changed', started: true, downloaded: false, detail: null });
    if (effect.kind !== 'changed') throw new Error('expected a change');
    expect(effect.row).toMatchObject({ status: 'in_progress', currentPhase: 'in_progress', startedAt: NOW, completedAt: null, progressWrittenAt: NOW, updatedAt: NOW });
  });

  it('records a download when the device leaves the phases before download, not when it fails there', () => {
    expect(deviceReportEffect(update({ status: 'in_progress', startedAt: secondsAgo(4) }), { status: 'downloading' }, CONTEXT)).toMatchObject({
      downloaded: true,
      started: false,
    });
    expect(deviceReportEffect(update(), { status: 'installing' }, CONTEXT)).toMatchObject({ downloaded: true });
    expect(deviceReportEffect(update(), { status: 'failed' }, CONTEXT)).toMatchObject({ downloaded: false });
    expect(deviceReportEffect(update({ status: 'downloading' }), { status: 'verifying' }, CONTEXT)).toMatchObject({ downloaded: false });
  });

  it('computes bytes and speed from the start time', () => {
    const effect = deviceReportEffect(update({ status: 'in_progress', startedAt: secondsAgo(4) }), { status: 'downloading', bytes_downloaded: 2000, progress_percentage: 40.4 }, CONTEXT);
    expect(effect).toMatchObject({ kind: 'changed', row: { bytesDownloaded: 2000n, downloadSpeed: 500, progressPercentage: 40 } });
  });

  it('completes: progress 100, full size, verified (signature only for a signed firmware), detail', () => {
    const row = update({ status: 'rebooting', startedAt: secondsAgo(60), bytesDownloaded: 100n });
    const signed = deviceReportEffect(row, { status: 'completed', firmware_version: 'v2.0.0' }, CONTEXT);
    expect(signed).toMatchObject({
      kind: 'changed',
      detail: 'Installed 2.0.0',
      row: { status: 'completed', completedAt: NOW, progressPercentage: 100, bytesDownloaded: 4096n, checksumVerified: true, signatureVerified: true, errorCode: null },
    });
    expect(deviceReportEffect(row, { status: 'completed' }, { ...CONTEXT, firmwareSigned: false })).toMatchObject({
      row: { checksumVerified: true, signatureVerified: false },
    });
  });

  it('a completion with another version fails as version_mismatch', () => {
    const effect = deviceReportEffect(update({ status: 'rebooting', startedAt: secondsAgo(60) }), { status: 'completed', firmware_version: '9.9.9' }, CONTEXT);
    expect(effect).toMatchObject({
      kind: 'changed',
      detail: 'version_mismatch: The device reports version 9.9.9 after installing 2.0.0',
      row: { status: 'failed', errorCode: 'version_mismatch', completedAt: NOW },
    });
  });

  it('a failure gets its code (device_error by default) and a retry time while retries remain', () => {
    const first = deviceReportEffect(update({ status: 'downloading', startedAt: secondsAgo(10) }), { status: 'failed', error_code: 'E_FLASH', error_message: 'x'.repeat(2500) }, CONTEXT);
    if (first.kind !== 'changed') throw new Error('expected a change');
    expect(first.row).toMatchObject({ status: 'failed', errorCode: 'E_FLASH', nextRetryAt: new Date(NOW.getTime() + 60_000) });
    expect(first.row.errorMessage).toHaveLength(2000);
    expect(first.detail).toHaveLength('E_FLASH: '.length + 2500);
    const third = deviceReportEffect(update({ status: 'downloading', retryCount: 2 }), { status: 'failed' }, CONTEXT);
    expect(third).toMatchObject({ row: { errorCode: 'device_error', errorMessage: null, nextRetryAt: new Date(NOW.getTime() + 240_000) }, detail: 'device_error' });
    expect(deviceReportEffect(update({ status: 'downloading', retryCount: 3 }), { status: 'failed' }, CONTEXT)).toMatchObject({ row: { nextRetryAt: null } });
  });

  it('writes progress-only reports at most once a second', () => {
    const row = update({ status: 'downloading', startedAt: secondsAgo(10), progressWrittenAt: secondsAgo(0.5), progressPercentage: 20 });
    expect(deviceReportEffect(row, { status: 'downloading', progress_percentage: 30 }, CONTEXT)).toEqual({ kind: 'throttled' });
    const later = deviceReportEffect({ ...row, progressWrittenAt: secondsAgo(1) }, { status: 'downloading', progress_percentage: 30, bytes_downloaded: 1000 }, CONTEXT);
    expect(later).toEqual({
      kind: 'progress',
      row: { ...row, progressPercentage: 30, bytesDownloaded: 1000n, downloadSpeed: 100, progressWrittenAt: NOW, updatedAt: NOW },
    });
    // Without bytes the speed stays; without a percentage the progress stays.
    expect(deviceReportEffect({ ...row, progressWrittenAt: null, downloadSpeed: 7 }, { status: 'downloading' }, CONTEXT)).toMatchObject({
      row: { progressPercentage: 20, downloadSpeed: 7 },
    });
  });

  it('refuses terminal, unreleased and backwards reports', () => {
    const refused = (status: string, report: DeviceReport['status']) => deviceReportEffect(update({ status }), { status: report }, CONTEXT);
    expect(refused('completed', 'downloading')).toEqual({ kind: 'refused', reason: 'terminal' });
    expect(refused('created', 'downloading')).toEqual({ kind: 'refused', reason: 'not_released' });
    expect(refused('verifying', 'downloading')).toEqual({ kind: 'refused', reason: 'backwards' });
  });

  it('applies reports in order against the evolving row', () => {
    let row = update();
    const effects = (['in_progress', 'downloading', 'downloading', 'installing', 'completed'] as const).map((status) => {
      const effect = deviceReportEffect(row, { status }, CONTEXT);
      if (effect.kind === 'changed' || effect.kind === 'progress') row = effect.row;
      return effect.kind;
    });
    // The repeat comes within a second of the change before it: throttled.
    expect(effects).toEqual(['changed', 'changed', 'throttled', 'changed', 'changed']);
    expect(row).toMatchObject({ status: 'completed', startedAt: NOW, checksumVerified: true });
  });

  describe('blue-green activation', () => {
    it('refuses awaiting_activation for an update that is not blue-green', () => {
      expect(deviceReportEffect(update({ status: 'installing' }), { status: 'awaiting_activation' }, CONTEXT)).toEqual({ kind: 'refused', reason: 'activation' });
    });

    it('stages a deferred update without a timeout, and refuses going past it before the switch', () => {
      const staged = deviceReportEffect(update({ status: 'installing', activation: 'deferred' }), { status: 'awaiting_activation' }, CONTEXT);
      expect(staged).toMatchObject({ kind: 'changed', row: { status: 'awaiting_activation', timeoutAt: null } });
      for (const status of ['rebooting', 'completed'] as const) {
        expect(deviceReportEffect(update({ status: 'awaiting_activation', activation: 'deferred' }), { status }, CONTEXT)).toEqual({ kind: 'refused', reason: 'activation' });
      }
      expect(deviceReportEffect(update({ status: 'awaiting_activation', activation: 'deferred' }), { status: 'failed' }, CONTEXT)).toMatchObject({ kind: 'changed' });
    });

    it('lets a switched update reboot and complete', () => {
      const switched = update({ status: 'awaiting_activation', activation: 'now' });
      expect(deviceReportEffect(switched, { status: 'rebooting' }, CONTEXT)).toMatchObject({ kind: 'changed', row: { status: 'rebooting' } });
      expect(deviceReportEffect(switched, { status: 'completed', firmware_version: '2.0.0' }, CONTEXT)).toMatchObject({ kind: 'changed', row: { status: 'completed' } });
    });
  });
});
