import { type ItemOutcome, ReportBatcher } from './report-batcher';

/** A batch function that records its batches and answers when released. */
function recorder() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const apply = async (items: number[]): Promise<ItemOutcome<string>[]> => {
    batches.push(items);
    await new Promise<void>((resolve) => gates.push(resolve));
    return items.map((item) => (item < 0 ? { ok: false, error: new Error(`bad ${item}`) } : { ok: true, value: `v${item}` }));
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { batches, gates, apply, releaseAll };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ReportBatcher', () => {
  it('groups the callers of one turn, then everything that arrived while a batch ran', async () => {
    const { batches, gates, apply } = recorder();
    const batcher = new ReportBatcher(apply, 500);
    const first = [1, 2, 3].map((item) => batcher.submit(item));
    await tick();
    expect(batches).toEqual([[1, 2, 3]]);
    const second = [4, 5].map((item) => batcher.submit(item));
    await tick();
    expect(batches).toHaveLength(1);
    expect(batcher.waiting).toBe(2);
    gates.shift()?.();
    expect(await Promise.all(first)).toEqual(['v1', 'v2', 'v3']);
    await tick();
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    gates.shift()?.();
    expect(await Promise.all(second)).toEqual(['v4', 'v5']);
    await batcher.idle();
  });

  it('caps a batch at maxBatch', async () => {
    const { batches, apply, releaseAll } = recorder();
    const batcher = new ReportBatcher(apply, 2);
    const all = Promise.all([1, 2, 3, 4, 5].map((item) => batcher.submit(item)));
    await tick();
    await releaseAll();
    expect(await all).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("gives each caller its own error, and everyone the batch's error", async () => {
    const { apply, gates, releaseAll } = recorder();
    const batcher = new ReportBatcher(apply);
    const outcomes = Promise.allSettled([1, -2, 3].map((item) => batcher.submit(item)));
    await tick();
    await releaseAll();
    expect((await outcomes).map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(gates).toHaveLength(0);

    let calls = 0;
    const failing = new ReportBatcher<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
      return items.map((item) => ({ ok: true, value: item }));
    });
    const failed = Promise.allSettled([1, 2].map((item) => failing.submit(item)));
    expect((await failed).map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as Error).message : outcome.value))).toEqual([
      'database down',
      'database down',
    ]);
    // The queue goes on after a failed batch.
    expect(await failing.submit(3)).toBe(3);
  });

  it('fails every caller when the batch answers the wrong number of outcomes', async () => {
    const batcher = new ReportBatcher<number, number>(async () => []);
    await expect(batcher.submit(1)).rejects.toThrow('A batch of 1 answered 0 outcomes');
  });
});
