import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './app';
import { rememberCredentials, rememberedCredentials } from './api/session';

vi.mock('uplot', () => import('./fake-uplot'));

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => {
  vi.unstubAllGlobals();
  rememberCredentials(undefined);
});

describe('App', () => {
  it('goes back to the sign-in page, saying why, when the session expires', async () => {
    // A development token of the previous tab, valid for a little longer.
    rememberCredentials({ bearer: 'h.p.s' });
    const expiresAt = new Date(Date.now() + 500);
    vi.stubGlobal(
      'fetch',
      vi.fn(async (request: Request) =>
        request.url.endsWith('/api/v1/auth/me')
          ? json(200, { kind: 'user', id: 'ada', organization_id: 'default', roles: ['operator'], email: null, expires_at: expiresAt.toISOString() })
          : json(404, { detail: 'Not in this test', code: 'test/no_route' }),
      ),
    );
    render(<App />);

    expect(await screen.findByTestId('who')).toHaveTextContent('ada');
    expect(await screen.findByRole('status', {}, { timeout: 5_000 })).toHaveTextContent(
      `Your session expired at ${expiresAt.toLocaleTimeString()}. Sign in again to go on.`,
    );
    expect(screen.getByRole('heading', { name: 'OTA console' })).toBeInTheDocument();
    expect(screen.queryByTestId('who')).not.toBeInTheDocument();
    expect(rememberedCredentials()).toBeUndefined();
  });
});
