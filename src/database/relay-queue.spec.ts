import { relayRetryDelayMs } from './relay-queue';

describe('relayRetryDelayMs', () => {
  it('waits half a second after the first failed attempt and doubles with each further one', () => {
    expect([1, 2, 3, 4, 5, 6].map(relayRetryDelayMs)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('treats a row never attempted like a first attempt', () => {
    expect(relayRetryDelayMs(0)).toBe(500);
    expect(relayRetryDelayMs(-3)).toBe(500);
  });

  it('never grows past a minute, however many attempts failed', () => {
    expect(relayRetryDelayMs(8)).toBe(60_000);
    expect(relayRetryDelayMs(7)).toBe(32_000);
    for (const attempts of [9, 50, 1_100, 2 ** 31 - 1]) expect(relayRetryDelayMs(attempts)).toBe(60_000);
  });

  it('is monotonic, so a row that keeps failing is never retried sooner', () => {
    const delays = Array.from({ length: 40 }, (_, i) => relayRetryDelayMs(i));
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
  });
});
