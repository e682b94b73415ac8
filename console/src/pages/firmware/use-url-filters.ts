import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'wouter';
import { useDebounced } from '../../api/use-resource';
import { offsetFromParam } from './pagination';

export interface UrlFilters<F> {
  /** The filters as typed (inputs show these). */
  draft: F;
  setDraft: (next: F) => void;
  /** The filters in the URL, which the list loads with. */
  applied: F;
  offset: number;
  setOffset: (offset: number) => void;
  clear: () => void;
  /** Changes whenever the applied filters or the page change: a `useResource` key. */
  key: string;
}

const TYPING_PAUSE_MS = 300;

/**
 * List filters kept in the page's URL (so Back and bookmarks bring a filtered page back): the
 * inputs edit a draft, and once typing pauses the draft becomes the URL, on the first page.
 */
export function useUrlFilters<F>(read: (params: URLSearchParams) => F, write: (filters: F, offset: number) => Record<string, string>, empty: F): UrlFilters<F> {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  // Keyed by the query text: `params` is a new object on every render.
  const applied = useMemo(() => read(params), [key]);
  const offset = offsetFromParam(params.get('offset'));
  const [draft, setDraft] = useState(applied);
  const settled = useDebounced(draft, TYPING_PAUSE_MS);
  const filterText = (filters: F) => new URLSearchParams(write(filters, 0)).toString();
  // The filters this page last put in the URL: any other filters there came by Back or a link.
  const written = useRef(filterText(applied));

  useEffect(() => {
    const next = filterText(settled);
    if (next === filterText(applied)) return;
    written.current = next;
    setParams(write(settled, 0), { replace: true });
    // Only a settled edit writes the URL; a URL change (Back) must not write it again.
  }, [settled]);

  useEffect(() => {
    const inUrl = filterText(applied);
    if (inUrl === written.current) return;
    written.current = inUrl;
    setDraft(applied);
  }, [key]);

  return {
    draft,
    setDraft,
    applied,
    offset,
    setOffset: (next) => setParams(write(applied, next)),
    clear: () => {
      written.current = filterText(empty);
      setDraft(empty);
      setParams({});
    },
    key,
  };
}
