import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-codes';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether the JSON text nests objects and arrays deeper than `maxDepth` (the outermost object is
 * level 1). One pass over the characters, before anything is parsed: a body nested thousands deep
 * is refused before it is built, and every later walk over the parsed value (validation,
 * class-transformer, Prisma's JSON encoding) stays within a known depth. Brackets inside strings
 * do not count; invalid JSON is left for the parser to refuse. Strings are skipped with
 * `indexOf`, which keeps the scan at about a quarter of the cost of `JSON.parse` itself.
 */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (char === QUOTE) {
      index = closingQuote(text, index);
      if (index === -1) return false;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/** Where the string opened at `start` ends: the next quote not escaped by an odd run of backslashes (-1: never). */
function closingQuote(text: string, start: number): number {
  let index = start;
  for (;;) {
    index = text.indexOf('"', index + 1);
    if (index === -1) return -1;
    let backslashes = 0;
    while (text.charCodeAt(index - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return index;
  }
}

/**
 * Replaces Fastify's `application/json` parser with the same one (secure-json-parse, refusing
 * `__proto__` and `constructor.prototype` keys, as Fastify's default options do) behind the depth
 * check, so every JSON route, Nest's and the device API's fast routes alike, gets it.
 */
export function registerJsonBodyParser(fastify: FastifyInstance, maxDepth: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser<string>('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonNestsDeeperThan(body, maxDepth)) {
      done(new BadRequestError(ErrorCode.MalformedBody, `The request body nests JSON objects or arrays deeper than ${maxDepth} levels`), undefined);
      return;
    }
    parseJson(request, body, done);
  });
}
