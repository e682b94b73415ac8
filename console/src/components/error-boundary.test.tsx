import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from './error-boundary';

function Broken(): never {
  throw new Error('stats.stages is undefined');
}

describe('ErrorBoundary', () => {
  it('shows why a page failed instead of a blank screen, and tries again on another page', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { rerender } = render(
      <ErrorBoundary resetKey="/campaigns/1">
        <Broken />
      </ErrorBoundary>,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('stats.stages is undefined');

    rerender(
      <ErrorBoundary resetKey="/devices">
        <p>Devices</p>
      </ErrorBoundary>,
    );
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('Devices')).toBeInTheDocument();
  });
});
