import type { Principal } from '../../../common/auth/principal';
import { DeviceTokenCache } from './device-token-cache';

const device = (id: string, organizationId = 'org-a'): Principal => ({ kind: 'device', id, organizationId, roles: [] });

describe('DeviceTokenCache', () => {
  it('remembers verified tokens and hands out copies', () => {
    const cache = new DeviceTokenCache();
    cache.set('hash-1', device('d1'));
    const got = cache.get('hash-1')!;
    expect(got).toEqual(device('d1'));
    got.roles.push('admin');
    expect(cache.get('hash-1')!.roles).toEqual([]);
    expect(cache.get('hash-unknown')).toBeUndefined();
  });

  it("evicts a device's token on rotation or deletion, and only that device's", () => {
    const cache = new DeviceTokenCache();
    cache.set('hash-1', device('d1'));
    cache.set('hash-2', device('d2'));
    cache.set('hash-3', device('d1', 'org-b'));
    cache.evictDevice('org-a', 'd1');
    expect(cache.get('hash-1')).toBeUndefined();
    expect(cache.get('hash-2')).toEqual(device('d2'));
    expect(cache.get('hash-3')).toEqual(device('d1', 'org-b'));
  });

  it('keeps one token per device: a new token of the device replaces the old one', () => {
    const cache = new DeviceTokenCache();
    cache.set('old', device('d1'));
    cache.set('new', device('d1'));
    expect(cache.get('old')).toBeUndefined();
    cache.evictDevice('org-a', 'd1');
    expect(cache.get('new')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets entries after the TTL and beyond the size bound', async () => {
    const short = new DeviceTokenCache(20, 2);
    short.set('a', device('a'));
    short.set('b', device('b'));
    short.set('c', device('c'));
    expect(short.get('a')).toBeUndefined();
    expect(short.size).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(short.get('b')).toBeUndefined();
  });
});
