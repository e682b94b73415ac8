/** Every API route lives under `/api/v1` (set as Nest's global prefix), except a few listed in `app.setup.ts`. */
export const API_PREFIX = 'api/v1';
