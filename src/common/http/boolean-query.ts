import { Transform } from 'class-transformer';

/**
 * Query strings carry booleans as text; `"false"` must not become `true`. Unrecognised text is
 * left as is so `@IsBoolean()` reports it.
 */
export function BooleanQuery(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    return value;
  });
}
