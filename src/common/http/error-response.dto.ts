import { ApiProperty } from '@nestjs/swagger';

/** One invalid field. */
export class FieldErrorDto {
  /** Where the problem is, e.g. `["body", "rollout_percentage"]`. */
  @ApiProperty({ type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] }, example: ['body', 'name'] })
  loc!: (string | number)[];
  /** What is wrong with it. */
  msg!: string;
  /** A stable name for the rule it broke, e.g. `missing`, `isInt`. */
  type!: string;
}

/** The body of every error response. */
export class ErrorResponseDto {
  /** Human-readable explanation. */
  detail!: string;
  /** Stable machine-readable code, e.g. `auth/token_expired`. */
  code!: string;
  /** Id of the request, also in the `X-Request-Id` header and the logs. */
  request_id!: string;
  /** Present on 422: every invalid field. */
  errors?: FieldErrorDto[];
}
