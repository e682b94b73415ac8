import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignIn } from './sign-in';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => vi.unstubAllGlobals());

describe('SignIn', () => {
  it('gets a development token for the chosen role and opens a session with who the service says it is', async () => {
    const calls: Request[] = [];
    vi.stubGlobal('fetch', vi.fn(async (request: Request) => {
      calls.push(request.clone());
      if (request.url.endsWith('/api/v1/auth/dev-token')) return json(200, { token: 'h.p.s', token_type: 'Bearer', expires_in: 3600, user_id: 'grace' });
      return json(200, { kind: 'user', id: 'grace', organization_id: 'default', roles: ['viewer'], email: null, expires_at: null });
    }));
    const signedIn = vi.fn();
    render(<SignIn onSignedIn={signedIn} />);

    await userEvent.clear(screen.getByLabelText('User id'));
    await userEvent.type(screen.getByLabelText('User id'), 'grace');
    await userEvent.selectOptions(screen.getByLabelText('Role'), 'viewer');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in with a development token' }));

    await vi.waitFor(() => expect(signedIn).toHaveBeenCalled());
    expect(await calls[0]?.json()).toEqual({ user_id: 'grace', email: 'grace@example.com', role: 'viewer' });
    expect(calls[1]?.headers.get('authorization')).toBe('Bearer h.p.s');
    const session = signedIn.mock.calls[0]?.[0];
    expect(session).toMatchObject({ canWrite: false, principal: { id: 'grace', roles: ['viewer'] } });
  });

  it("shows the API's reason when pasted credentials are refused, and signs in with nothing", async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(401, { detail: 'Invalid API key', code: 'auth/invalid_api_key' })));
    const signedIn = vi.fn();
    render(<SignIn onSignedIn={signedIn} />);

    await userEvent.type(screen.getByLabelText('Token or key'), 'ota_wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid API key');
    expect(signedIn).not.toHaveBeenCalled();
  });
});
