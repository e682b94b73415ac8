import { IsUUID } from 'class-validator';

/** Path parameter of routes addressing one API key. */
export class ApiKeyIdParamDto {
  /** The key's id (a UUID). */
  @IsUUID()
  api_key_id!: string;
}
