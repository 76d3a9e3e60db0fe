/**
 * What a resource module tells the JSON:API layer about its type: how to load
 * rows, what their attributes are, and how to follow each relationship. The
 * layer does everything else (fields, include, paging, links, documents).
 */
import type { Page, PageRequest } from '../../store/keyset-page.ts';
import type { ApiContext } from '../api-context.ts';

export interface ToManyRequest extends PageRequest {
  descending: boolean;
  filters: Map<string, string[]>;
  /**
   * `exists[attr]`: true keeps only rows whose attribute is not null, false only
   * those where it is null. Absent where no exists parameter can be given.
   */
  exists?: Map<string, boolean>;
}

export type RelationDefinition<Row> =
  | {
      kind: 'toOne';
      /** Id of the related resource, or null when there is none. */
      id(row: Row, ctx: ApiContext): string | null | Promise<string | null>;
    }
  | {
      kind: 'toMany';
      page(row: Row, request: ToManyRequest, ctx: ApiContext): Promise<Page<unknown>>;
    };

export interface ResourceDefinition<Row = any> {
  type: string;
  load(ids: readonly string[], ctx: ApiContext): Promise<Row[]>;
  id(row: Row): string;
  /** Every attribute the contract lists, with null for unset values. */
  attributes(row: Row, ctx: ApiContext): Record<string, unknown> | Promise<Record<string, unknown>>;
  relations: Record<string, RelationDefinition<Row>>;
  /** For types with a top-level collection (GET /v1/<type>). */
  list?(request: ToManyRequest, ctx: ApiContext): Promise<Page<Row>>;
}

/** A page with nothing in it, for relationships that are empty on this server. */
export function emptyPage(): Promise<Page<never>> {
  return Promise.resolve({ rows: [], total: 0, next: null });
}
