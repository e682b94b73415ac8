import type { Principal } from '../../../common/auth/principal';
import { DeviceTokenCache } from './device-token-cache';

const device = (id: string, organizationId = 'org-a'): Principal => ({ kind: 'device', id, organizationId, roles: [] });
/** Caches the device under the token hash, as a lookup that found it does. */
const fill = (cache: DeviceTokenCache, tokenHash: string, principal: Principal) => cache.resolve(tokenHash, async () => ({ principal }));

describe('DeviceTokenCache', () => {
  it('remembers verified tokens and hands out copies', async () => {
    const cache = new DeviceTokenCache();
    await fill(cache, 'hash-1', device('d1'));
    const got = cache.get('hash-1')!;
    expect(got).toEqual(device('d1'));
    got.roles.push('admin');
    expect(cache.get('hash-1')!.roles).toEqual([]);
    expect(cache.get('hash-unknown')).toBeUndefined();
  });

  it("evicts a device's token on rotation or deletion, and only that device's", async () => {
    const cache = new DeviceTokenCache();
    await fill(cache, 'hash-1', device('d1'));
    await fill(cache, 'hash-2', device('d2'));
    await fill(cache, 'hash-3', device('d1', 'org-b'));
    cache.evictDevice('org-a', 'd1');
    expect(cache.get('hash-1')).toBeUndefined();
    expect(cache.get('hash-2')).toEqual(device('d2'));
    expect(cache.get('hash-3')).toEqual(device('d1', 'org-b'));
  });

  it('keeps one token per device: a new token of the device replaces the old one', async () => {
    const cache = new DeviceTokenCache();
    await fill(cache, 'old', device('d1'));
    await fill(cache, 'new', device('d1'));
    expect(cache.get('old')).toBeUndefined();
    cache.evictDevice('org-a', 'd1');
    expect(cache.get('new')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not cache a lookup that the rotation of its device overtook', async () => {
    const cache = new DeviceTokenCache();
    let finishLookup!: () => void;
    const lookup = cache.resolve('old', () => new Promise((resolve) => (finishLookup = () => resolve({ principal: device('d1') }))));
    cache.evictDevice('org-a', 'd1');
    finishLookup();
    // The request in flight read the token before the rotation, so it passes; the next one reads again.
    expect(await lookup).toEqual(device('d1'));
    expect(cache.get('old')).toBeUndefined();
    expect(await cache.resolve('old', async () => null)).toBeNull();
  });

  describe('on a clock the test moves', () => {
    // lru-cache keeps its own reference to `performance`, so its clock is pointed at Jest's fake
    // one; the fake timers also run lru-cache's own 1 ms cache of "now".
    beforeEach(() => {
      jest.useFakeTimers({ doNotFake: ['performance'] });
      jest.spyOn(performance, 'now').mockImplementation(() => Date.now());
    });
    afterEach(() => {
      jest.restoreAllMocks();
      jest.useRealTimers();
    });

    it('forgets entries after the TTL and beyond the size bound', async () => {
      const short = new DeviceTokenCache(20, 2);
      await fill(short, 'a', device('a'));
      await fill(short, 'b', device('b'));
      await fill(short, 'c', device('c'));
      expect(short.get('a')).toBeUndefined();
      expect(short.size).toBe(2);
      jest.advanceTimersByTime(19);
      expect(short.get('b')).toEqual(device('b'));
      jest.advanceTimersByTime(2);
      expect(short.get('b')).toBeUndefined();
    });
  });
});
