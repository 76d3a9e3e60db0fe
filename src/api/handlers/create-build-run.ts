/** POST /v1/ciBuildRuns: the body's shape here, the start rules in the engine. */
import { entityUnprocessable } from '../../errors.ts';
import type { ApiContextWithTypes as Ctx } from '../api-context.ts';
import { singleDocument, resourceUrl } from '../jsonapi/document.ts';
import { emptyQuery } from '../jsonapi/query.ts';
import { expectObject, refuseUnknownKeys, relationshipId } from './request-body.ts';

const relationshipTypes = {
  workflow: 'ciWorkflows',
  sourceBranchOrTag: 'scmGitReferences',
  pullRequest: 'scmPullRequests',
  buildRun: 'ciBuildRuns',
} as const;

export async function createBuildRun(
  ctx: Ctx,
  body: unknown,
): Promise<{ document: unknown; location: string }> {
  const root = expectObject(body, '', 'The request body');
  refuseUnknownKeys(root, ['data'], '');
  if (!('data' in root))
    throw entityUnprocessable("The request body needs a 'data' object.", '/data');
  const data = expectObject(root.data, '/data', "The body's 'data'");
  refuseUnknownKeys(data, ['type', 'attributes', 'relationships'], '/data');
  if (data.type !== 'ciBuildRuns') {
    throw entityUnprocessable("'data.type' must be 'ciBuildRuns'.", '/data/type');
  }

  let clean: boolean | null = null;
  if (data.attributes !== undefined) {
    const attributes = expectObject(data.attributes, '/data/attributes', 'The attributes');
    refuseUnknownKeys(attributes, ['clean'], '/data/attributes');
    if (
      attributes.clean !== undefined &&
      attributes.clean !== null &&
      typeof attributes.clean !== 'boolean'
    ) {
      throw entityUnprocessable("'clean' must be true, false or null.", '/data/attributes/clean');
    }
    clean = (attributes.clean as boolean | null | undefined) ?? null;
  }

  const relationships =
    data.relationships === undefined
      ? {}
      : expectObject(data.relationships, '/data/relationships', 'The relationships');
  refuseUnknownKeys(relationships, Object.keys(relationshipTypes), '/data/relationships');
  const ids = Object.fromEntries(
    Object.entries(relationshipTypes).map(([name, type]) => [
      name,
      relationshipId(relationships, name, type),
    ]),
  ) as Record<keyof typeof relationshipTypes, string | null>;

  const run = await ctx.engine.startRun({
    workflowId: ids.workflow,
    sourceBranchOrTagId: ids.sourceBranchOrTag,
    pullRequestId: ids.pullRequest,
    buildRunId: ids.buildRun,
    clean,
  });

  const def = ctx.definitions.get('ciBuildRuns')!;
  const query = emptyQuery();
  const document = await singleDocument(ctx, def, run, query, `${ctx.baseUrl}/v1/ciBuildRuns`);
  return { document, location: resourceUrl(ctx, 'ciBuildRuns', run.id) };
}
