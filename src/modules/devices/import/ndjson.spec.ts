import { NdjsonTooLargeError, ndjsonLines } from './ndjson';

async function lines(chunks: (Buffer | string)[], maxBytes = 1024): Promise<string[]> {
  const out: string[] = [];
  for await (const line of ndjsonLines((async function* () { yield* chunks; })(), maxBytes)) out.push(line);
  return out;
}

describe('ndjsonLines', () => {
  it('splits on \\n and \\r\\n, keeps blank lines for the caller, and yields a last line without newline', async () => {
    expect(await lines(['a\nb\r\n\n', 'c'])).toEqual(['a', 'b', '', 'c']);
    expect(await lines(['a\n'])).toEqual(['a']);
    expect(await lines([])).toEqual([]);
  });

  it('joins a line cut across chunks, even inside a multi-byte character', async () => {
    const text = Buffer.from('{"id":"é😀"}\n{"id":"x"}\n');
    const cuts = [3, 10, 11, 12, text.length - 2];
    const chunks = [0, ...cuts].map((start, i) => text.subarray(start, [...cuts, text.length][i]));
    expect(await lines(chunks)).toEqual(['{"id":"é😀"}', '{"id":"x"}']);
  });

  it('stops with NdjsonTooLargeError once more than maxBytes arrived', async () => {
    await expect(lines(['12345\n', '67890\n'], 10)).rejects.toBeInstanceOf(NdjsonTooLargeError);
    await expect(lines(['12345\n', '6789\n'], 11)).resolves.toEqual(['12345', '6789']);
  });
});
