import { formatCount } from '../dashboard/format';
import { pageWindow } from './pagination';

interface PaginationProps {
  /** What is listed, for the navigation's name ("Firmware pages"). */
  label: string;
  offset: number;
  limit: number;
  count: number;
  total: number;
  onOffset: (offset: number) => void;
}

/** "1–50 of 120" with previous/next buttons, for a list answered in the API's envelope. */
export function PaginationControls({ label, offset, limit, count, total, onOffset }: PaginationProps) {
  const page = pageWindow(offset, limit, count, total);
  return (
    <nav className="pagination" aria-label={`${label} pages`}>
      <span role="status">
        {page.total === 0 ? 'None' : `${formatCount(page.first)}–${formatCount(page.last)} of ${formatCount(page.total)}`}
      </span>
      <button type="button" disabled={page.previousOffset === undefined} onClick={() => page.previousOffset !== undefined && onOffset(page.previousOffset)}>
        Previous page
      </button>
      <button type="button" disabled={page.nextOffset === undefined} onClick={() => page.nextOffset !== undefined && onOffset(page.nextOffset)}>
        Next page
      </button>
    </nav>
  );
}
