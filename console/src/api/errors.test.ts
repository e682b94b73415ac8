import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorOf, messageOf, unwrap } from './errors';

describe('API errors', () => {
  it("carry the API's detail, code and field errors", () => {
    const error = apiErrorOf(422, { detail: 'stages: must end at 100', code: 'validation/failed', errors: [{ loc: ['body', 'stages'], msg: 'must end at 100', type: 'x' }] });
    expect(error).toMatchObject({ status: 422, detail: 'stages: must end at 100', code: 'validation/failed' });
    expect(error.fieldErrors).toEqual([{ loc: ['body', 'stages'], msg: 'must end at 100', type: 'x' }]);
    expect(messageOf(error)).toBe('stages: must end at 100');
  });

  it('describe an answer without the error shape by its status', () => {
    expect(apiErrorOf(502, '<html>bad gateway</html>').detail).toBe('The service answered 502');
  });

  it('unwrap returns the data, throws the API error, and reports an unreachable service', async () => {
    const ok = new Response('{}', { status: 200 });
    await expect(unwrap(Promise.resolve({ data: { id: 1 }, response: ok }))).resolves.toEqual({ id: 1 });
    const conflict = new Response('', { status: 409 });
    await expect(unwrap(Promise.resolve({ error: { detail: 'in use', code: 'firmware/in_use' }, response: conflict }))).rejects.toMatchObject({ status: 409, detail: 'in use' });
    const refused = unwrap(Promise.reject(new TypeError('Failed to fetch')));
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ status: 0, detail: 'The service cannot be reached' });
  });
});
