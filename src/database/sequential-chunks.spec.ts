import { inSequentialChunks } from './sequential-chunks';

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
