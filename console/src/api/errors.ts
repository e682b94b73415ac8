/** An error answer of the API, carrying its `detail` (what the console shows) and `code`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly code: string | undefined,
    readonly fieldErrors: { loc: (string | number)[]; msg: string }[] = [],
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** The API's error body (`{detail, code, errors?}`), or a plain description when there is none. */
export function apiErrorOf(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'detail' in body) {
    const { detail, code, errors } = body as { detail: unknown; code?: unknown; errors?: unknown };
    const fieldErrors = Array.isArray(errors) ? (errors as { loc: (string | number)[]; msg: string }[]) : [];
    return new ApiError(status, String(detail), typeof code === 'string' ? code : undefined, fieldErrors);
  }
  return new ApiError(status, status === 0 ? 'The service cannot be reached' : `The service answered ${status}`, undefined);
}

/**
 * The data of a typed-client call, or its error thrown as an {@link ApiError}. openapi-fetch
 * resolves with `{data, error, response}`; every page wants the data or the API's reason.
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The service cannot be reached', undefined);
  }
  if (result.error !== undefined || !result.response.ok) throw apiErrorOf(result.response.status, result.error);
  return result.data as T;
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  return error instanceof Error ? error.message : String(error);
}
