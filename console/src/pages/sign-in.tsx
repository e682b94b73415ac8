import { type FormEvent, useState } from 'react';
import type { OtaCredentials } from '../../../clients/typescript';
import { unwrap } from '../api/errors';
import { anonymousClient, clientFor, credentialsFromPaste, type Session, sessionOf } from '../api/session';
import { ErrorMessage } from '../components/error-message';

type Role = 'viewer' | 'operator' | 'admin';

/** Checks credentials with `GET /auth/me` and opens a session with what the service says they are. */
async function signInWith(credentials: OtaCredentials): Promise<Session> {
  const principal = await unwrap(clientFor(credentials).GET('/api/v1/auth/me'));
  return sessionOf(credentials, principal);
}

/**
 * Two ways in: a development token (the service issues one when it runs in development mode, as
 * the embedded quick start does), or a pasted JWT or API key. `notice` says why the console came
 * back here (an expired session).
 */
export function SignIn({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice?: string }) {
  const [role, setRole] = useState<Role>('admin');
  const [userId, setUserId] = useState('console-user');
  const [organization, setOrganization] = useState('');
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const attempt = async (credentials: () => Promise<OtaCredentials>) => {
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signInWith(await credentials()));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const devToken = (event: FormEvent) => {
    event.preventDefault();
    void attempt(async () => {
      const body = { user_id: userId, email: `${userId.replace(/[^\w.-]/g, '_')}@example.com`, role, ...(organization ? { organization_id: organization } : {}) };
      const issued = await unwrap(anonymousClient().POST('/api/v1/auth/dev-token', { body }));
      return { bearer: issued.token };
    });
  };

  const paste = (event: FormEvent) => {
    event.preventDefault();
    void attempt(async () => credentialsFromPaste(pasted));
  };

  return (
    <main className="sign-in">
      <h1>OTA console</h1>
      {notice && <p role="status">{notice}</p>}
      <ErrorMessage error={error} title="Could not sign in" />
      <section aria-labelledby="dev-token-heading">
        <h2 id="dev-token-heading">Development token</h2>
        <p>For a service running in development mode (the embedded quick start).</p>
        <form onSubmit={devToken}>
          <label>
            User id
            <input value={userId} onChange={(event) => setUserId(event.target.value)} required maxLength={255} />
          </label>
          <label>
            Organization <span className="hint">(empty: the service's default)</span>
            <input value={organization} onChange={(event) => setOrganization(event.target.value)} maxLength={100} />
          </label>
          <label>
            Role
            <select value={role} onChange={(event) => setRole(event.target.value as Role)}>
              <option value="admin">admin</option>
              <option value="operator">operator</option>
              <option value="viewer">viewer</option>
            </select>
          </label>
          <button type="submit" className="primary" disabled={busy}>
            Sign in with a development token
          </button>
        </form>
      </section>
      <section aria-labelledby="paste-heading">
        <h2 id="paste-heading">JWT or API key</h2>
        <form onSubmit={paste}>
          <label>
            Token or key
            <input type="password" value={pasted} onChange={(event) => setPasted(event.target.value)} required autoComplete="off" />
          </label>
          <button type="submit" disabled={busy}>
            Sign in
          </button>
        </form>
      </section>
    </main>
  );
}
