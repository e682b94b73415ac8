import { finished, type Readable, Transform } from 'node:stream';
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { BadRequestError, PayloadTooLargeError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-codes';

/** One part of a multipart/form-data body, independent of the HTTP framework. */
export type UploadPart =
  | { kind: 'field'; name: string; value: unknown; truncated: boolean }
  | { kind: 'file'; name: string; fileName: string; stream: Readable };

export interface MultipartLimits {
  /** Largest file part, in bytes. */
  fileSize: number;
  /** Largest text part, in bytes. */
  fieldSize: number;
}

/**
 * The parts of a multipart request in arrival order, streamed: a file part must be consumed
 * before the next part arrives. Framework errors become domain errors: not multipart or cut off
 * → 400, a file over `fileSize` → 413 (also when it surfaces while the file is being read).
 */
export async function* multipartParts(request: FastifyRequest, limits: MultipartLimits): AsyncGenerator<UploadPart> {
  if (!request.isMultipart()) {
    throw new BadRequestError(ErrorCode.NotMultipart, 'Expected a multipart/form-data body');
  }
  // Two files: a second one reaches the caller, which can say what is wrong with it, rather than
  // being skipped by the parser.
  const parts = request.parts({ limits: { fileSize: limits.fileSize, fieldSize: limits.fieldSize, files: 2, fields: 20, parts: 22 } });
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        yield { kind: 'field', name: part.fieldname, value: part.value, truncated: part.valueTruncated };
      } else {
        // A part is a file by its content type too, and then may have no file name at all.
        const fileName = (part.filename as string | undefined) ?? '';
        yield { kind: 'file', name: part.fieldname, fileName, stream: withDomainErrors(part.file, limits.fileSize) };
      }
    }
  } catch (error) {
    throw toDomainError(error, limits.fileSize);
  }
}

/**
 * The file's bytes, failing with a 413 when it goes over the limit. The plugin only truncates an
 * oversized file and reports it on the next part, which an upload that stops after its file
 * never asks for: unchecked, the truncated file would look complete.
 *
 * The plugin may have destroyed the file stream already, with the error that ended the body (cut
 * off before its closing boundary, client gone), while the caller was still checking the
 * metadata. Late `error` listeners never see that, and the copy would wait forever; `finished`
 * also reports a stream that failed before it was called.
 */
function withDomainErrors(file: Readable & { truncated?: boolean }, maxBytes: number): Readable {
  const tooLarge = (): Error => toDomainError({ code: 'FST_REQ_FILE_TOO_LARGE' }, maxBytes) as Error;
  const checked = new Transform({
    transform: (chunk: Buffer, _encoding, callback) => callback(null, chunk),
    // The limit may have been hit before this function ran (the parser reads ahead); a truncated
    // file is then caught at its end, before the stream the caller reads ends.
    flush: (callback) => callback(file.truncated ? tooLarge() : null),
  });
  file.once('limit', () => checked.destroy(tooLarge()));
  finished(file, (error) => {
    if (error) checked.destroy(toDomainError(error, maxBytes) as Error);
  });
  // A reader that gives up (storage failed) releases the parser, which then ends the parts.
  checked.once('close', () => file.destroy());
  return file.pipe(checked);
}

function toDomainError(error: unknown, maxBytes: number): unknown {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new PayloadTooLargeError(ErrorCode.FileTooLarge, `The file is larger than the limit of ${maxBytes} bytes`);
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new PayloadTooLargeError(ErrorCode.BodyTooLarge, 'Too many parts in the multipart body');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new BadRequestError(ErrorCode.NotMultipart, 'Expected a multipart/form-data body');
    case 'FST_MP_PREMATURE_CLOSE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return new BadRequestError(ErrorCode.MalformedBody, 'The multipart body ended before it was complete');
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return new BadRequestError(ErrorCode.MalformedBody, (error as Error).message);
    default:
      return error instanceof Error && /Unexpected end of (form|multipart)|Malformed part header|Multipart: Boundary not found/i.test(error.message)
        ? new BadRequestError(ErrorCode.MalformedBody, `Malformed multipart body: ${error.message}`)
        : error;
  }
}
