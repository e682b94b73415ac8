import { type ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import type { ValidationError as ClassValidatorError } from 'class-validator';
import { type FieldError, ValidationError } from '../errors/domain-error';
import { unstorableTexts } from '../text/storable-text';

const OPTIONAL_BODY = Symbol('optional-body');

/**
 * Marks a request body DTO whose fields are all optional and that may be left out entirely (an
 * action's `{reason?}`): a request without a body reads as `{}` instead of a 422.
 */
export function OptionalBody(): ClassDecorator {
  return (target) => Reflect.defineMetadata(OPTIONAL_BODY, true, target);
}

const locationByParamType: Record<ArgumentMetadata['type'], string> = {
  body: 'body',
  query: 'query',
  param: 'path',
  custom: 'body',
};

/**
 * The global validation pipe: transforms DTOs, strips unknown keys without rejecting them (the
 * original service's clients send extra keys), and reports every invalid field as a 422 with a
 * `loc` of the form `["body", "field", "nested"]`.
 */
@Injectable()
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: false,
      forbidUnknownValues: true,
      validationError: { target: false, value: true },
      exceptionFactory: (errors) => new ValidationError(flatten(errors, [])),
    });
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    return this.validateAt(value, metadata, [locationByParamType[metadata.type]]);
  }

  /** Validates a value found at `location` of the request, e.g. the JSON part of a multipart body. */
  async validateAt(value: unknown, metadata: ArgumentMetadata, location: (string | number)[]): Promise<unknown> {
    if (metadata.type === 'body' && value === undefined && metadata.metatype && Reflect.getMetadata(OPTIONAL_BODY, metadata.metatype) === true) value = {};
    const expectsObject = typeof metadata.metatype === 'function' && this.toValidate(metadata);
    if (metadata.type === 'body' && expectsObject && !isPlainObject(value)) {
      throw new ValidationError([{ loc: location, msg: 'Input should be a JSON object', type: 'object_type' }]);
    }
    if (metadata.type !== 'custom') {
      // Text the database cannot store is a 422 here, not a database error later.
      const unstorable = unstorableTexts(value, metadata.type === 'param' && metadata.data ? [metadata.data] : []);
      if (unstorable.length > 0) throw new ValidationError(unstorable.map(({ path, problem }) => ({ loc: [...location, ...path], ...problem })));
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof ValidationError) {
        throw new ValidationError(error.errors.map((e) => ({ ...e, loc: [...location, ...e.loc] })));
      }
      throw error;
    }
  }
}

const pipe = new RequestValidationPipe();

/**
 * Validates and transforms `value` into a `metatype` instance with the same rules as request
 * bodies, reporting problems under `location` (e.g. `["body", "metadata"]`).
 * @throws ValidationError listing every invalid field.
 */
export function validateAs<T extends object>(metatype: new () => T, value: unknown, location: (string | number)[]): Promise<T> {
  return pipe.validateAt(value, { type: 'body', metatype, data: undefined }, location) as Promise<T>;
}

function flatten(errors: ClassValidatorError[], parents: (string | number)[]): FieldError[] {
  return errors.flatMap((error) => {
    const loc = [...parents, toKey(error.property)];
    const constraints = Object.entries(error.constraints ?? {});
    // Optional fields are skipped when absent, so a constraint failing on `undefined` means the
    // field is required and missing: say that once instead of listing every rule it would break.
    const own: FieldError[] =
      error.value === undefined && constraints.length > 0
        ? [{ loc, msg: 'Field required', type: 'missing' }]
        : constraints.map(([type, msg]) => ({ loc, msg, type }));
    return [...own, ...flatten(error.children ?? [], loc)];
  });
}

function toKey(property: string): string | number {
  return /^\d+$/.test(property) ? Number(property) : property;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
