const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Thrown by {@link ndjsonLines} once more than `maxBytes` have arrived. */
export class NdjsonTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The body is larger than ${maxBytes} bytes`);
  }
}

/**
 * The lines of a byte stream, decoded as UTF-8, without their `\n` / `\r\n`; read chunk by chunk,
 * so only the current line is ever held, never the whole body. Splitting on the newline byte is
 * safe in UTF-8, where 0x0A never occurs inside a multi-byte character.
 */
export async function* ndjsonLines(source: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<string> {
  let received = 0;
  let carry: Buffer | null = null;
  for await (const piece of source) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    received += chunk.length;
    if (received > maxBytes) throw new NdjsonTooLargeError(maxBytes);
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      if (carry !== null) {
        yield decode(Buffer.concat([carry, chunk.subarray(0, newline)]));
        carry = null;
      } else {
        yield decode(chunk.subarray(start, newline));
      }
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) carry = carry === null ? Buffer.from(chunk.subarray(start)) : Buffer.concat([carry, chunk.subarray(start)]);
  }
  if (carry !== null) yield decode(carry);
}

function decode(line: Buffer): string {
  const end = line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.length - 1 : line.length;
  return line.toString('utf8', 0, end);
}
