import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { firmwareFiltersFromParams, firmwareParams, NO_FIRMWARE_FILTERS } from './firmware-query';
import { useUrlFilters } from './use-url-filters';

function Filters() {
  const filters = useUrlFilters(firmwareFiltersFromParams, firmwareParams, NO_FIRMWARE_FILTERS);
  return (
    <>
      <label>
        Model
        <input value={filters.draft.deviceModel} onChange={(event) => filters.setDraft({ ...filters.draft, deviceModel: event.target.value })} />
      </label>
      <output aria-label="Applied">{filters.key}</output>
      <button type="button" onClick={() => filters.setOffset(50)}>
        Next
      </button>
      <button type="button" onClick={filters.clear}>
        Clear
      </button>
    </>
  );
}

function renderAt(path: string) {
  const location = memoryLocation({ path, record: true });
  render(
    <Router hook={location.hook} searchHook={location.searchHook}>
      <Filters />
    </Router>,
  );
  return location;
}

// Vitest runs without globals, so Testing Library cannot unmount by itself.

describe('useUrlFilters', () => {
  it('starts from the URL', () => {
    renderAt('/firmware?device_model=SF-1&offset=50');
    expect(screen.getByLabelText('Model')).toHaveValue('SF-1');
    expect(screen.getByLabelText('Applied')).toHaveTextContent('device_model=SF-1&offset=50');
  });

  it('puts typed filters in the URL once typing pauses, back on the first page', async () => {
    const user = userEvent.setup();
    const location = renderAt('/firmware?offset=100');
    await user.type(screen.getByLabelText('Model'), 'SF-2');
    await waitFor(() => expect(screen.getByLabelText('Applied')).toHaveTextContent(/^device_model=SF-2$/));
    // Replaced, not pushed: Back does not step through every keystroke.
    expect(location.history).toEqual(['/firmware?device_model=SF-2']);
  });

  it('pages and clears through the URL', async () => {
    const user = userEvent.setup();
    const location = renderAt('/firmware?device_model=SF-1');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByLabelText('Applied')).toHaveTextContent('device_model=SF-1&offset=50');
    await user.click(screen.getByRole('button', { name: 'Clear' }));
    expect(screen.getByLabelText('Model')).toHaveValue('');
    expect(location.history.at(-1)).toBe('/firmware');
  });

  it('shows filters that arrive by navigation (Back, a link) in the inputs', async () => {
    const location = renderAt('/firmware?device_model=SF-1');
    act(() => location.navigate('/firmware?device_model=SF-9'));
    await waitFor(() => expect(screen.getByLabelText('Model')).toHaveValue('SF-9'));
    // …and leaves the URL as it came.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(location.history.at(-1)).toBe('/firmware?device_model=SF-9');
  });
});
