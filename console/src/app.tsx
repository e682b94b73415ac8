import { useEffect, useState } from 'react';
import { Link, Route, Router, Switch, useLocation } from 'wouter';
import { SessionContext } from './api/session-context';
import { ErrorBoundary } from './components/error-boundary';
import { clientFor, rememberCredentials, rememberedCredentials, type Session, sessionOf } from './api/session';
import { useSessionExpiry } from './api/session-expiry';
import { CampaignCreatePage } from './pages/campaigns/campaign-create';
import { CampaignListPage } from './pages/campaigns/campaign-list';
import { CampaignPage } from './pages/campaign-live/campaign-page';
import { DashboardPage } from './pages/dashboard';
import { DeviceListPage } from './pages/devices/device-list';
import { DevicePage } from './pages/devices/device-page';
import { FirmwareListPage } from './pages/firmware/firmware-list';
import { FirmwarePage } from './pages/firmware/firmware-page';
import { SignIn } from './pages/sign-in';

/** The console: a sign-in page until the service accepts the credentials, then the pages. */
export function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [restoring, setRestoring] = useState(() => rememberedCredentials() !== undefined);

  // A reload keeps the tab signed in while its credentials still work.
  useEffect(() => {
    const credentials = rememberedCredentials();
    if (credentials === undefined) return;
    clientFor(credentials)
      .GET('/api/v1/auth/me')
      .then(({ data }) => {
        if (data) setSession(sessionOf(credentials, data));
        else rememberCredentials(undefined);
      })
      .catch(() => undefined)
      .finally(() => setRestoring(false));
  }, []);

  const [notice, setNotice] = useState<string>();
  const signIn = (next: Session) => {
    rememberCredentials(next.credentials);
    setNotice(undefined);
    setSession(next);
  };
  const end = (why: string | undefined) => {
    rememberCredentials(undefined);
    setNotice(why);
    setSession(undefined);
  };
  const signOut = () => end(undefined);
  useSessionExpiry(session, (expiredAt) => end(`Your session expired at ${expiredAt.toLocaleTimeString()}. Sign in again to go on.`));

  if (restoring) return <p aria-busy="true">Loading…</p>;
  if (session === undefined) return <SignIn onSignedIn={signIn} notice={notice} />;
  return (
    <SessionContext.Provider value={{ session, signOut }}>
      <Router base="/console">
        <Shell session={session} signOut={signOut} />
      </Router>
    </SessionContext.Provider>
  );
}

function Shell({ session, signOut }: { session: Session; signOut: () => void }) {
  const { principal } = session;
  const [location] = useLocation();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <nav aria-label="Main">
          <Link href="/">Dashboard</Link>
          <Link href="/firmware">Firmware</Link>
          <Link href="/devices">Devices</Link>
          <Link href="/campaigns">Campaigns</Link>
        </nav>
        <div className="who" data-testid="who">
          {principal.id} · {principal.organization_id ?? 'no organization'} · {principal.roles.join(', ')}
          {!session.canWrite && <span className="badge">read-only</span>}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={location}>
          <Switch>
            <Route path="/" component={DashboardPage} />
            <Route path="/firmware" component={FirmwareListPage} />
            <Route path="/firmware/:id">{(params) => <FirmwarePage firmwareId={params.id} />}</Route>
            <Route path="/devices" component={DeviceListPage} />
            <Route path="/devices/:id">{(params) => <DevicePage deviceId={params.id} />}</Route>
            <Route path="/campaigns" component={CampaignListPage} />
            <Route path="/campaigns/new" component={CampaignCreatePage} />
            <Route path="/campaigns/:id">{(params) => <CampaignPage campaignId={params.id} />}</Route>
            <Route>
              <h1>Not found</h1>
              <p>
                No page here. <Link href="/">Back to the dashboard</Link>
              </p>
            </Route>
          </Switch>
        </ErrorBoundary>
      </main>
    </>
  );
}
