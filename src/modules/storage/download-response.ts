import type { IncomingMessage } from 'node:http';
import { HttpException } from '@nestjs/common';
import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import type { ErrorBody } from '../../common/errors/error-response';
import type { LocalDownload } from './filesystem.storage';
import { attachmentDisposition } from './storage-errors';

/** One range of a byte range set (RFC 9110 §14.1.1): `first-last`, `first-`, or `-suffix`. */
const BYTE_RANGE = /^(?:(\d+)-(\d*)|-\d+)$/;

/**
 * Whether a `Range` value is a syntactically valid byte range set: the unit `bytes` (any case) and
 * a comma-separated list of ranges, empty list elements allowed, where no `first-last` ends before
 * it starts. Whether the ranges fit the file is another question (416).
 */
function isByteRangeSet(value: string): boolean {
  const equals = value.indexOf('=');
  if (equals === -1 || value.slice(0, equals).trim().toLowerCase() !== 'bytes') return false;
  const ranges = value
    .slice(equals + 1)
    .split(',')
    .map((range) => range.trim())
    .filter((range) => range !== '');
  return (
    ranges.length > 0 &&
    ranges.every((range) => {
      const match = BYTE_RANGE.exec(range);
      return match !== null && (match[2] === undefined || match[2] === '' || BigInt(match[2]) >= BigInt(match[1]));
    })
  );
}

/**
 * The request as `send` should see it: RFC 9110 §14.2 says a `Range` header that does not parse
 * is ignored (200 with the whole file), where `send` would answer 416. A view over the request
 * rather than a change to it, so logs and hooks still see what the client sent.
 */
function withoutInvalidRange(raw: IncomingMessage): IncomingMessage {
  const { range, ...headers } = raw.headers;
  if (range === undefined || isByteRangeSet(range)) return raw;
  return Object.create(raw, { headers: { value: headers } }) as IncomingMessage;
}

/**
 * Streams a local file with `@fastify/send`: `Range` (206, suffix and open ranges, 416 with
 * `Content-Range: bytes *\/size`), conditional requests, and no body for HEAD. Never lists a
 * folder nor serves a dotfile (the temp folder of partial writes is one).
 */
export async function sendDownload(request: FastifyRequest, reply: FastifyReply, download: LocalDownload): Promise<FastifyReply> {
  const result = await send(withoutInvalidRange(request.raw), download.path, {
    root: download.root,
    dotfiles: 'deny',
    index: false,
    extensions: false,
    acceptRanges: true,
    etag: true,
    lastModified: true,
    // Set below: every binary is application/octet-stream, and a bearer link must not be cached.
    contentType: false,
    cacheControl: false,
  });

  if (result.type === 'directory' || (result.type === 'error' && result.statusCode === 404)) {
    result.stream.destroy();
    throw new NotFoundError(ErrorCode.DownloadNotFound, 'The file of this download link no longer exists');
  }
  if (result.type === 'error') {
    result.stream.destroy();
    if (result.statusCode === 416) {
      const body: ErrorBody = { detail: 'The requested range is not within the file', code: ErrorCode.DownloadRangeNotSatisfiable, request_id: request.id };
      return reply
        .status(416)
        .header('content-range', result.headers['Content-Range'])
        .header('content-type', 'application/json; charset=utf-8')
        .send(body);
    }
    if (result.statusCode >= 500) throw result.metadata.error;
    throw new HttpException(result.metadata.error.message, result.statusCode);
  }

  return reply
    .status(result.statusCode)
    .headers(result.headers)
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', attachmentDisposition(download.fileName))
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .send(result.stream);
}
