import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
/** Beyond this the database cannot skip rows (and no list is that long): a 422, not a 500. */
export const MAX_OFFSET = 2_147_483_647;

/** `limit` and `offset` of every list endpoint. */
export class PaginationQueryDto {
  /** Items per page. */
  @ApiProperty({ type: 'integer', required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  /** Items to skip. */
  @ApiProperty({ type: 'integer', required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset: number = 0;
}

/** The envelope fields every list response has beside its items. */
export class ListMetaDto {
  /** The page size used. */
  limit!: number;
  /** The offset used. */
  offset!: number;
  /** Items in this page. */
  count!: number;
  /** Items matching the filters, across all pages. */
  total!: number;
  /** Each filter of the endpoint with the value applied, or null. */
  filters!: Record<string, unknown>;
}

/** Builds the list envelope: the items under `key`, then the page figures and the filters. */
export function listEnvelope<K extends string, T>(
  key: K,
  page: { items: T[]; total: number },
  query: PaginationQueryDto,
  filters: Record<string, unknown> = {},
): Record<K, T[]> & ListMetaDto {
  return {
    [key]: page.items,
    limit: query.limit,
    offset: query.offset,
    count: page.items.length,
    total: page.total,
    filters,
  } as Record<K, T[]> & ListMetaDto;
}
