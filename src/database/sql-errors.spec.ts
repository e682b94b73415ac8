import { isDatabaseUnavailable } from './sql-errors';

/** Shapes as PostgreSQL, pg, its pool and Prisma's pg adapter were seen to throw them (test/e2e/database-outage.e2e-spec.ts meets them for real). */
function prismaError(code: string, message: string, cause?: Record<string, unknown>): Error {
  return Object.assign(new Error(message), { name: 'PrismaClientKnownRequestError', code, meta: cause ? { driverAdapterError: { name: 'DriverAdapterError', cause } } : {} });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a statement cancelled by statement_timeout', prismaError('P2010', 'Raw query failed. Code: `57014`.', { kind: 'postgres', originalCode: '57014' })],
    ['a backend terminated by an administrator', prismaError('P2010', 'Raw query failed. Code: `57P01`.', { kind: 'postgres', originalCode: '57P01' })],
    ['too many connections', prismaError('P2037', 'Too many database connections opened', { kind: 'TooManyConnections' })],
    ['a refused connection', prismaError('P1001', "Can't reach database server at 127.0.0.1:5432", { kind: 'DatabaseNotReachable' })],
    ['a connection exception (class 08)', prismaError('P2010', 'Raw query failed. Code: `08006`.', { kind: 'postgres', originalCode: '08006' })],
    ['a full pool (pg-pool)', new Error('timeout exceeded when trying to connect')],
    ['a stalled server (client-side query timeout)', new Error('Query read timeout')],
    ['a connection that did not start in time', new Error('Connection terminated due to connection timeout')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['no connection for a transaction within maxWait', prismaError('P2028', 'Transaction API error: Unable to start a transaction in the given time.')],
    ['a transaction past its timeout', prismaError('P2028', 'Transaction API error: A query cannot be executed on an expired transaction.')],
    ['a pool timeout (Prisma)', prismaError('P2024', 'Timed out fetching a new connection from the connection pool.')],
  ])('is true for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', prismaError('P2002', 'Unique constraint failed')],
    ['a missing row', prismaError('P2025', 'Record not found')],
    ['a syntax error in raw SQL', prismaError('P2010', 'Raw query failed. Code: `42601`.', { kind: 'postgres', originalCode: '42601' })],
    ['a deadlock', prismaError('P2034', 'Transaction failed due to a write conflict or a deadlock')],
    ['another P2028', prismaError('P2028', 'Transaction API error: Transaction not found.')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['not an error', 'Query read timeout'],
    ['nothing', undefined],
  ])('is false for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
