import { HttpException } from '@nestjs/common';
import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-codes';
import type { ErrorBody } from '../../common/errors/error-response';
import type { LocalDownload } from './filesystem.storage';
import { attachmentDisposition } from './storage-errors';

/**
 * Streams a local file with `@fastify/send`: `Range` (206, suffix and open ranges, 416 with
 * `Content-Range: bytes *\/size`), conditional requests, and no body for HEAD. Never lists a
 * folder nor serves a dotfile (the temp folder of partial writes is one).
 */
export async function sendDownload(request: FastifyRequest, reply: FastifyReply, download: LocalDownload): Promise<FastifyReply> {
  const result = await send(request.raw, download.path, {
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
