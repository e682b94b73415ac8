import { ApiProperty } from '@nestjs/swagger';
import { type Principal, ROLES } from '../../../common/auth/principal';
import type { Role } from '../../../config';

/** Who the credentials of a request belong to, as the service sees them. */
export class CurrentPrincipalResponseDto {
  /** How the caller proved who it is. */
  @ApiProperty({ enum: ['user', 'api_key', 'service', 'device'] })
  kind!: Principal['kind'];
  /** The user id (`sub`), the API key id, or the calling service's name. */
  id!: string;
  organization_id!: string | null;
  /** The roles held; each includes the lower ones (admin ⊃ operator ⊃ viewer). */
  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: Role[];
  email!: string | null;
  /** When these credentials stop working (ISO-8601); null when they have no set end. */
  expires_at!: string | null;
}
