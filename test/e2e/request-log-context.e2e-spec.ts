import { PinoLogger } from 'nestjs-pino';
import { createTestApp, type TestApp } from '../utils/test-app';

/**
 * The request-scoped logger (registerRequestLogContext): probe routes on the real application's
 * Fastify, behind the same hooks as every route, answer the bindings of the logger that a line
 * logged there would use.
 */
describe('request-scoped logger', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      beforeInit: async (app) => {
        const logger = await app.resolve(PinoLogger);
        const fastify = app.getHttpAdapter().getInstance();
        const bindings = () => ({ bindings: logger.logger.bindings() });
        fastify.get('/probe/log-context', async () => bindings());
        // After the body was read and more I/O was awaited, the context is still the request's.
        fastify.post('/probe/log-context', async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return bindings();
        });
        fastify.get('/probe/no-log-context', { config: { requestLogContext: false } }, async () => bindings());
      },
    });
  });
  afterAll(() => t?.close());

  it('binds the request id for the whole request, body parsing and awaited I/O included', async () => {
    const got = await t.request({ method: 'GET', url: '/probe/log-context', headers: { 'x-request-id': 'probe-get-1' } });
    expect(got.json().bindings).toMatchObject({ request_id: 'probe-get-1' });

    const posted = await t.request({ method: 'POST', url: '/probe/log-context', payload: { padding: 'x'.repeat(100_000) } });
    expect(posted.statusCode).toBe(200);
    expect(posted.json().bindings).toMatchObject({ request_id: posted.headers['x-request-id'] });
  });

  it('gives concurrent requests their own ids', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.request({ method: 'POST', url: '/probe/log-context', headers: { 'x-request-id': `probe-${i}` }, payload: {} })),
    );
    expect(answers.map((answer) => answer.json().bindings.request_id)).toEqual(answers.map((_, i) => `probe-${i}`));
  });

  it('leaves routes that opt out (the hot device routes) without one', async () => {
    const answer = await t.request({ method: 'GET', url: '/probe/no-log-context', headers: { 'x-request-id': 'probe-out' } });
    expect(answer.json().bindings).not.toHaveProperty('request_id');
    expect(answer.headers['x-request-id']).toBe('probe-out');
  });
});
