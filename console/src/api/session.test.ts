import { describe, expect, it } from 'vitest';
import { credentialsFromPaste, rememberCredentials, rememberedCredentials, sessionOf } from './session';

const principal = (roles: string[]) => ({ kind: 'user' as const, id: 'ada', organization_id: 'org-a', roles: roles as never, email: null, expires_at: null });

describe('credentialsFromPaste', () => {
  it('takes three dot-separated parts for a JWT, with or without "Bearer", and anything else for an API key', () => {
    expect(credentialsFromPaste('  eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl \n')).toEqual({ bearer: 'eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl' });
    expect(credentialsFromPaste('Bearer eyJhbGciOi.eyJzdWIiOi.c2ln_-')).toEqual({ bearer: 'eyJhbGciOi.eyJzdWIiOi.c2ln_-' });
    expect(credentialsFromPaste('ota_3f9a0c1d2e')).toEqual({ apiKey: 'ota_3f9a0c1d2e' });
  });
});

describe('sessionOf', () => {
  it('lets operators, admins and services write, and not viewers', () => {
    expect(sessionOf({ bearer: 'a.b.c' }, principal(['viewer'])).canWrite).toBe(false);
    for (const role of ['operator', 'admin', 'service']) expect(sessionOf({ bearer: 'a.b.c' }, principal([role])).canWrite).toBe(true);
  });

  it('sends the credentials as the service expects them', () => {
    expect(sessionOf({ bearer: 'a.b.c' }, principal(['viewer'])).authorization).toEqual({ authorization: 'Bearer a.b.c' });
    expect(sessionOf({ apiKey: 'ota_x' }, principal(['viewer'])).authorization).toEqual({ 'x-api-key': 'ota_x' });
  });
});

describe('remembered credentials', () => {
  it('keeps them for the tab, and treats a damaged entry as none', () => {
    rememberCredentials({ apiKey: 'ota_x' });
    expect(rememberedCredentials()).toEqual({ apiKey: 'ota_x' });
    rememberCredentials(undefined);
    expect(rememberedCredentials()).toBeUndefined();
    sessionStorage.setItem('ota-console-credentials', '{not json');
    expect(rememberedCredentials()).toBeUndefined();
    expect(sessionStorage.getItem('ota-console-credentials')).toBeNull();
  });
});
