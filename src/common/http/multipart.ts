import { PassThrough, type Readable } from 'node:stream';
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
  const parts = request.parts({ limits: { fileSize: limits.fileSize, fieldSize: limits.fieldSize, files: 1, fields: 20, parts: 21 } });
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        yield { kind: 'field', name: part.fieldname, value: part.value, truncated: part.valueTruncated };
      } else {
        yield { kind: 'file', name: part.fieldname, fileName: part.filename, stream: withDomainErrors(part.file, limits.fileSize) };
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
 */
function withDomainErrors(file: Readable & { truncated?: boolean }, maxBytes: number): Readable {
  const stream = new PassThrough();
  const tooLarge = (): Error => toDomainError({ code: 'FST_REQ_FILE_TOO_LARGE' }, maxBytes) as Error;
  file.once('error', (error) => stream.destroy(toDomainError(error, maxBytes) as Error));
  file.once('limit', () => stream.destroy(tooLarge()));
  // The limit may have been hit before this function ran (the parser reads ahead); a truncated
  // file is then caught at its end, before `pipe` ends the stream the caller reads.
  file.once('end', () => {
    if (file.truncated) stream.destroy(tooLarge());
  });
  return file.pipe(stream);
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
