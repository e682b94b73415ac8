import type { z } from 'zod';
import { type FieldError, ValidationError } from '../errors/domain-error';

/**
 * `value` parsed by `schema`, for input a zod schema defines rather than a DTO.
 * @throws ValidationError listing every invalid field under `location` (e.g. `["body"]`), in the
 * shape the request pipe gives: a missing field is `missing`, a text the database cannot store
 * keeps the `type` its check put in the issue's `params`, anything else is named by zod's code.
 */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, value: unknown, location: (string | number)[]): z.output<Schema> {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new ValidationError(parsed.error.issues.map((issue) => toFieldError(issue, location)));
}

function toFieldError(issue: z.core.$ZodIssue, location: (string | number)[]): FieldError {
  const loc = [...location, ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key))];
  if (issue.path.length > 0 && 'input' in issue && issue.input === undefined) return { loc, msg: 'Field required', type: 'missing' };
  const ownType = issue.code === 'custom' ? issue.params?.type : undefined;
  return { loc, msg: issue.message, type: typeof ownType === 'string' ? ownType : issue.code };
}
