import { render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OtaClient } from '../../../clients/typescript';
import type { Session } from './session';
import { useSessionExpiry } from './session-expiry';

const DAY_MS = 24 * 60 * 60 * 1000;

function sessionExpiringAt(expiresAt: string | null): Session {
  return {
    credentials: { bearer: 'h.p.s' },
    principal: { kind: 'user', id: 'ada', organization_id: 'default', roles: ['operator'], email: null, expires_at: expiresAt },
    client: {} as OtaClient,
    canWrite: true,
    authorization: { authorization: 'Bearer h.p.s' },
  };
}

function Probe({ session, onExpired }: { session: Session; onExpired: (at: Date) => void }) {
  useSessionExpiry(session, onExpired);
  return null;
}

describe('useSessionExpiry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-08T00:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('ends the session when its credentials expire, not before', () => {
    const onExpired = vi.fn();
    render(<Probe session={sessionExpiringAt('2026-12-08T01:00:00Z')} onExpired={onExpired} />);
    vi.advanceTimersByTime(60 * 60 * 1000 - 1);
    expect(onExpired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onExpired).toHaveBeenCalledExactlyOnceWith(new Date('2026-12-08T01:00:00Z'));
  });

  it('ends a session that is already past its expiry at once', () => {
    const onExpired = vi.fn();
    render(<Probe session={sessionExpiringAt('2026-12-07T23:00:00Z')} onExpired={onExpired} />);
    expect(onExpired).toHaveBeenCalledOnce();
  });

  it('waits out an expiry further away than one timer can (40 days)', () => {
    const onExpired = vi.fn();
    render(<Probe session={sessionExpiringAt('2027-01-17T00:00:00Z')} onExpired={onExpired} />);
    vi.advanceTimersByTime(2 ** 31);
    expect(onExpired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(40 * DAY_MS - 2 ** 31);
    expect(onExpired).toHaveBeenCalledOnce();
  });

  it('never ends credentials without an expiry (API keys), nor after unmounting', () => {
    const onExpired = vi.fn();
    render(<Probe session={sessionExpiringAt(null)} onExpired={onExpired} />);
    const gone = render(<Probe session={sessionExpiringAt('2026-12-08T00:00:10Z')} onExpired={onExpired} />);
    gone.unmount();
    vi.advanceTimersByTime(100 * DAY_MS);
    expect(onExpired).not.toHaveBeenCalled();
  });
});
