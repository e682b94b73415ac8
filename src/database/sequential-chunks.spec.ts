import { deleteInBatches, inSequentialChunks } from './sequential-chunks';

describe('inSequentialChunks', () => {
  it('writes chunk after chunk, never two at once, and returns every result in order', async () => {
    let inFlight = 0;
    const chunks: number[][] = [];
    const results = await inSequentialChunks(
      [1, 2, 3, 4, 5],
      async (chunk) => {
        inFlight += 1;
        expect(inFlight).toBe(1);
        chunks.push(chunk);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return chunk.map((n) => n * 10);
      },
      2,
    );
    expect(chunks).toEqual([[1, 2], [3, 4], [5]]);
    expect(results).toEqual([10, 20, 30, 40, 50]);
  });

  it('writes nothing for no rows', async () => {
    const write = jest.fn();
    await expect(inSequentialChunks([], write)).resolves.toEqual([]);
    expect(write).not.toHaveBeenCalled();
  });
});

describe('deleteInBatches', () => {
  it('deletes batch after batch until one comes back short, and totals them', async () => {
    let left = 7;
    const limits: number[] = [];
    const total = await deleteInBatches(async (limit) => {
      limits.push(limit);
      const deleted = Math.min(limit, left);
      left -= deleted;
      return deleted;
    }, 3);
    expect({ total, left, limits }).toEqual({ total: 7, left: 0, limits: [3, 3, 3] });
  });

  it('stops after one call when nothing is left, and goes on after an exactly full last batch', async () => {
    const counts = [0];
    expect(await deleteInBatches(async () => counts.shift() ?? 0, 5)).toBe(0);
    const answers = [5, 5, 0];
    const calls: number[] = [];
    const removeNext = async (limit: number) => {
      calls.push(limit);
      return answers.shift()!;
    };
    expect(await deleteInBatches(removeNext, 5)).toBe(10);
    expect(calls).toHaveLength(3);
  });
});
