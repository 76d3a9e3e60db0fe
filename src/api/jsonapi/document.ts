/**
 * Builds JSON:API documents the way App Store Connect writes them: every
 * attribute present (null when unset), relationships with links where the
 * contract gives them links and with data only when included, each included
 * resource once, absolute links, and `links.next` only when a page follows.
 */
import type { ApiContextWithTypes as Ctx } from '../api-context.ts';
import type { Page } from '../../store/keyset-page.ts';
import { resourceShape } from './contract.ts';
import { encodeCursor } from './cursor.ts';
import { DEFAULT_INCLUDED_LIMIT, type ParsedQuery } from './query.ts';
import type { ResourceDefinition } from './resource-definition.ts';

type Json = Record<string, unknown>;
type Identifier = { type: string; id: string };

/** Path segment for an id; `:` stays as it is, as in Apple's version ids. */
export function encodeId(id: string): string {
  return encodeURIComponent(id).replace(/%3A/gi, ':');
}

export function resourceUrl(ctx: Ctx, type: string, id: string): string {
  return `${ctx.baseUrl}/v1/${type}/${encodeId(id)}`;
}

/** The request URL re-serialised: parameters sorted, include values sorted, all encoded. */
export function requestUrl(ctx: Ctx, path: string, pairs: readonly [string, string][]): string {
  const sorted = pairs
    .filter(([name]) => name !== 'cursor')
    .map(([name, value]): [string, string] =>
      name === 'include' ? [name, value.split(',').sort().join(',')] : [name, value],
    );
  const cursor = pairs.find(([name]) => name === 'cursor');
  if (cursor) sorted.push(cursor);
  return urlWith(ctx, path, sorted);
}

function urlWith(ctx: Ctx, path: string, pairs: [string, string][]): string {
  const query = [...pairs]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`)
    .join('&');
  return `${ctx.baseUrl}${path}${query ? `?${query}` : ''}`;
}

function definition(ctx: Ctx, type: string): ResourceDefinition {
  const def = ctx.definitions.get(type);
  if (!def) throw new Error(`no resource definition for '${type}'`);
  return def;
}

/** Related data gathered for `include`, per primary resource and relationship. */
interface Inclusion {
  /** `${type}:${id}` of primary → relationship → identifiers (array for to-many) */
  linkage: Map<
    string,
    Map<string, Identifier | null | { items: Identifier[]; total: number; limit: number }>
  >;
  rows: Map<string, { def: ResourceDefinition; row: unknown }>;
}

async function gatherIncluded(
  ctx: Ctx,
  def: ResourceDefinition,
  rows: readonly unknown[],
  q: ParsedQuery,
): Promise<Inclusion> {
  const inclusion: Inclusion = { linkage: new Map(), rows: new Map() };
  if (q.include.size === 0) return inclusion;
  const shape = resourceShape(def.type);

  for (const name of q.include) {
    const relation = def.relations[name];
    const relShape = shape.relationships.get(name);
    if (!relation || !relShape) continue;
    const target = definition(ctx, relShape.targetType);

    if (relation.kind === 'toOne') {
      const pending = new Map<string, unknown[]>();
      for (const row of rows) {
        const id = await relation.id(row, ctx);
        setLinkage(inclusion, def, row, name, id ? { type: target.type, id } : null);
        if (id) pending.set(id, []);
      }
      for (const related of await target.load([...pending.keys()], ctx)) {
        inclusion.rows.set(`${target.type}:${target.id(related)}`, { def: target, row: related });
      }
    } else {
      const limit = q.relationLimits.get(name) ?? DEFAULT_INCLUDED_LIMIT;
      for (const row of rows) {
        const page = await relation.page(
          row,
          { limit, after: null, descending: false, filters: new Map() },
          ctx,
        );
        const items = page.rows.map((r) => ({ type: target.type, id: target.id(r) }));
        setLinkage(inclusion, def, row, name, { items, total: page.total, limit });
        for (const r of page.rows) {
          inclusion.rows.set(`${target.type}:${target.id(r)}`, { def: target, row: r });
        }
      }
    }
  }
  return inclusion;
}

function setLinkage(
  inclusion: Inclusion,
  def: ResourceDefinition,
  row: unknown,
  name: string,
  value: Identifier | null | { items: Identifier[]; total: number; limit: number },
): void {
  const key = `${def.type}:${def.id(row)}`;
  let rels = inclusion.linkage.get(key);
  if (!rels) inclusion.linkage.set(key, (rels = new Map()));
  rels.set(name, value);
}

async function serialize(
  ctx: Ctx,
  def: ResourceDefinition,
  row: unknown,
  q: ParsedQuery,
  inclusion: Inclusion | null,
): Promise<Json> {
  const id = def.id(row);
  const self = resourceUrl(ctx, def.type, id);
  const wanted = q.fields.get(def.type);
  const shape = resourceShape(def.type);
  const resource: Json = { type: def.type, id };

  const all = await def.attributes(row, ctx);
  const attributes: Json = {};
  for (const name of shape.attributes) {
    if (wanted && !wanted.has(name)) continue;
    attributes[name] = all[name] ?? null;
  }
  if (shape.attributes.length > 0 && (!wanted || Object.keys(attributes).length > 0)) {
    resource.attributes = attributes;
  }

  const relationships: Json = {};
  const linkage = inclusion?.linkage.get(`${def.type}:${id}`);
  for (const [name, relShape] of shape.relationships) {
    if (wanted && !wanted.has(name)) continue;
    const rel: Json = {};
    if (relShape.links) {
      rel.links = { self: `${self}/relationships/${name}`, related: `${self}/${name}` };
    }
    if (linkage?.has(name)) {
      const value = linkage.get(name)!;
      if (value && 'items' in value) {
        rel.data = value.items;
        if (relShape.meta) rel.meta = { paging: { total: value.total, limit: value.limit } };
      } else {
        rel.data = value;
      }
    }
    if (Object.keys(rel).length > 0) relationships[name] = rel;
  }
  if (Object.keys(relationships).length > 0) resource.relationships = relationships;

  resource.links = { self };
  return resource;
}

async function includedList(
  ctx: Ctx,
  inclusion: Inclusion,
  primary: Set<string>,
  q: ParsedQuery,
): Promise<Json[] | undefined> {
  if (inclusion.rows.size === 0) return undefined;
  const out: Json[] = [];
  for (const [key, { def, row }] of inclusion.rows) {
    if (primary.has(key)) continue;
    out.push(await serialize(ctx, def, row, q, null));
  }
  return out.length > 0 ? out : undefined;
}

/** A document with one resource in `data`. */
export async function singleDocument(
  ctx: Ctx,
  def: ResourceDefinition,
  row: unknown,
  q: ParsedQuery,
  self: string,
): Promise<Json> {
  const inclusion = await gatherIncluded(ctx, def, [row], q);
  const data = await serialize(ctx, def, row, q, inclusion);
  const doc: Json = { data };
  const included = await includedList(ctx, inclusion, new Set([`${def.type}:${def.id(row)}`]), q);
  if (included) doc.included = included;
  doc.links = { self };
  return doc;
}

/** A document holding one page of resources, with paging links and meta. */
export async function listDocument(
  ctx: Ctx,
  def: ResourceDefinition,
  page: Page<unknown>,
  q: ParsedQuery,
  path: string,
): Promise<Json> {
  const inclusion = await gatherIncluded(ctx, def, page.rows, q);
  const data: Json[] = [];
  for (const row of page.rows) data.push(await serialize(ctx, def, row, q, inclusion));
  const primary = new Set(page.rows.map((r) => `${def.type}:${def.id(r)}`));
  const doc: Json = { data };
  const included = await includedList(ctx, inclusion, primary, q);
  if (included) doc.included = included;
  Object.assign(doc, pagingParts(ctx, page, q, path));
  return doc;
}

/** Identifiers only, for GET .../relationships/<name> on a to-many relationship. */
export function linkageListDocument(
  ctx: Ctx,
  type: string,
  page: Page<unknown>,
  idOf: (row: unknown) => string,
  q: ParsedQuery,
  path: string,
): Json {
  return {
    data: page.rows.map((r) => ({ type, id: idOf(r) })),
    ...pagingParts(ctx, page, q, path),
  };
}

function pagingParts(ctx: Ctx, page: Page<unknown>, q: ParsedQuery, path: string): Json {
  const links: Json = { self: requestUrl(ctx, path, q.pairs) };
  const paging: Json = { total: page.total, limit: q.limit };
  if (page.next) {
    const cursor = encodeCursor(page.next, q.order);
    const pairs = q.pairs.filter(([n]) => n !== 'cursor');
    links.next = requestUrl(ctx, path, [...pairs, ['cursor', cursor]]);
    paging.nextCursor = cursor;
  }
  return { links, meta: { paging } };
}
