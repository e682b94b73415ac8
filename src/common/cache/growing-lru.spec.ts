import { growingLru } from './growing-lru';

describe('growingLru', () => {
  it('holds at most maxEntries, dropping the least recently used first', () => {
    const dropped: string[] = [];
    const cache = growingLru<string, number>(3, { dispose: (_value, key, reason) => reason === 'evict' && dropped.push(key) });
    for (const key of ['a', 'b', 'c']) cache.set(key, 1);
    cache.get('a');
    cache.set('d', 1);
    cache.set('e', 1);
    expect(cache.size).toBe(3);
    expect([...cache.keys()].sort()).toEqual(['a', 'd', 'e']);
    expect(dropped).toEqual(['b', 'c']);
  });

  it('expires entries after their TTL', () => {
    let now = 1_000;
    const cache = growingLru<string, number>(10, { ttl: 100, ttlResolution: 0, perf: { now: () => now } });
    cache.set('a', 1);
    now += 99;
    expect(cache.get('a')).toBe(1);
    now += 2;
    expect(cache.get('a')).toBeUndefined();
  });
});
