/** Offset paging over the API's list envelope (`limit`, `offset`, `total`). */

export interface PageWindow {
  /** 1-based position of the first item shown, 0 when there is none. */
  first: number;
  last: number;
  total: number;
  previousOffset: number | undefined;
  nextOffset: number | undefined;
}

export function pageWindow(offset: number, limit: number, count: number, total: number): PageWindow {
  return {
    first: count > 0 ? offset + 1 : 0,
    last: offset + count,
    total,
    previousOffset: offset > 0 ? Math.max(0, offset - limit) : undefined,
    nextOffset: offset + count < total ? offset + limit : undefined,
  };
}

/** A non-negative whole offset from a URL parameter; anything else is the first page. */
export function offsetFromParam(value: string | null): number {
  const offset = Number(value);
  return Number.isSafeInteger(offset) && offset > 0 ? offset : 0;
}
