import type { components } from '../../../../clients/typescript';
import { ApiError, apiErrorOf } from '../../api/errors';
import type { FirmwareMetadata } from './upload-metadata';

export type Firmware = components['schemas']['FirmwareResponseDto'];

export interface UploadProgress {
  /** Bytes of the request body sent so far. */
  loaded: number;
  /** The body's size (file plus multipart framing). */
  total: number;
}

export interface UploadFirmwareOptions {
  file: Blob;
  /** The file's name as the service stores it (a dropped `File` has its own). */
  fileName: string;
  metadata: FirmwareMetadata;
  /** `session.authorization`: the typed client cannot report upload progress, so this call adds the headers itself. */
  authorization: Record<string, string>;
  onProgress?: (progress: UploadProgress) => void;
  /** Aborting stops the transfer; the promise then rejects with an `AbortError`. */
  signal?: AbortSignal;
}

export interface UploadOutcome {
  firmware: Firmware;
  /** False when the service already had this exact image (200) and answered the stored record. */
  created: boolean;
}

const UPLOAD_URL = '/api/v1/firmware';

/**
 * `POST /api/v1/firmware` with XMLHttpRequest, the one browser API that reports upload progress:
 * multipart with the `metadata` JSON part first and the `file` part after it, as the service
 * requires. Resolves with the stored firmware; rejects with an {@link ApiError} carrying the
 * service's `detail` (413 too large, 409 same version with other bytes, 422 bad metadata…).
 */
export function uploadFirmware(options: UploadFirmwareOptions): Promise<UploadOutcome> {
  const { file, fileName, metadata, authorization, onProgress, signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('The upload was stopped', 'AbortError'));
      return;
    }
    const request = new XMLHttpRequest();
    const onAbort = () => request.abort();
    const finish = () => signal?.removeEventListener('abort', onAbort);

    request.open('POST', UPLOAD_URL);
    for (const [name, value] of Object.entries(authorization)) request.setRequestHeader(name, value);
    request.setRequestHeader('accept', 'application/json');
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.({ loaded: event.loaded, total: event.total });
    };
    request.onload = () => {
      finish();
      const body = parseJson(request.responseText);
      if (request.status === 200 || request.status === 201) resolve({ firmware: body as Firmware, created: request.status === 201 });
      else reject(apiErrorOf(request.status, body));
    };
    // A network failure; also what a browser reports when the service refuses early (413) and closes the connection mid-body.
    request.onerror = () => {
      finish();
      reject(new ApiError(0, 'The upload failed: the connection to the service was lost (the file may be larger than the service accepts)', undefined));
    };
    request.onabort = () => {
      finish();
      reject(new DOMException('The upload was stopped', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const body = new FormData();
    body.append('metadata', JSON.stringify(metadata));
    body.append('file', file, fileName);
    request.send(body);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
