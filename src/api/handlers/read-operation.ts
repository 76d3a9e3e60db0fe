/**
 * One handler for every GET the contract declares: collections, instances,
 * related resources and relationship linkages, all through the resource
 * definitions and the shared document builder.
 */
import { AscError, notFound } from '../../errors.ts';
import type { ApiContextWithTypes as Ctx } from '../api-context.ts';
import type { Operation } from '../jsonapi/contract.ts';
import { parseQuery } from '../jsonapi/query.ts';
import {
  linkageListDocument,
  listDocument,
  requestUrl,
  singleDocument,
} from '../jsonapi/document.ts';
import type { ResourceDefinition, ToManyRequest } from '../jsonapi/resource-definition.ts';

export async function readOperation(
  ctx: Ctx,
  op: Operation,
  id: string | undefined,
  path: string,
  search: string,
): Promise<unknown> {
  const q = parseQuery(op, search);
  const owner = definition(ctx, op.ownerType);
  const request: ToManyRequest = {
    limit: q.limit,
    after: q.after,
    descending: q.sort[0]?.startsWith('-') ?? false,
    filters: q.filters,
    exists: q.exists,
  };

  if (op.kind === 'getCollection') {
    const page = await owner.list!(request, ctx);
    return listDocument(ctx, owner, page, q, path);
  }

  const [row] = await owner.load([id!], ctx);
  if (!row) throw notFound(op.ownerType, id!);

  if (op.kind === 'getInstance') {
    return singleDocument(ctx, owner, row, q, requestUrl(ctx, path, q.pairs));
  }

  const relation = owner.relations[op.relationship!];
  const target = definition(ctx, op.dataType!);
  if (!relation) throw new Error(`${op.ownerType} has no relation ${op.relationship}`);

  if (relation.kind === 'toOne') {
    const relatedId = await relation.id(row, ctx);
    const [related] = relatedId ? await target.load([relatedId], ctx) : [];
    if (op.kind === 'getToOneRelationship') {
      // The contract's linkage documents carry DocumentLinks: self only, as Apple's do.
      return {
        data: related ? { type: target.type, id: target.id(related) } : null,
        links: { self: requestUrl(ctx, path, q.pairs) },
      };
    }
    if (!related) {
      throw new AscError(
        404,
        'NOT_FOUND',
        'The specified resource does not exist',
        `The ${op.ownerType} resource '${id}' has no ${op.relationship}.`,
      );
    }
    return singleDocument(ctx, target, related, q, requestUrl(ctx, path, q.pairs));
  }

  const page = await relation.page(row, request, ctx);
  if (op.kind === 'getToManyRelationship') {
    return linkageListDocument(ctx, target.type, page, (r) => target.id(r), q, path);
  }
  return listDocument(ctx, target, page, q, path);
}

function definition(ctx: Ctx, type: string): ResourceDefinition {
  const def = ctx.definitions.get(type);
  if (!def) throw new Error(`no resource definition for ${type}`);
  return def;
}
