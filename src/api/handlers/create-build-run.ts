/** POST /v1/ciBuildRuns: the body checked against the contract, the rules by the engine. */
import type { ApiContextWithTypes as Ctx } from '../api-context.ts';
import { singleDocument, resourceUrl } from '../jsonapi/document.ts';
import { emptyQuery } from '../jsonapi/query.ts';
import { relationshipId, type RequestDocument } from './request-body.ts';

export async function createBuildRun(
  ctx: Ctx,
  body: RequestDocument,
): Promise<{ document: unknown; location: string }> {
  const clean = body.data.attributes?.clean;
  const run = await ctx.engine.startRun({
    workflowId: relationshipId(body, 'workflow'),
    sourceBranchOrTagId: relationshipId(body, 'sourceBranchOrTag'),
    pullRequestId: relationshipId(body, 'pullRequest'),
    buildRunId: relationshipId(body, 'buildRun'),
    clean: typeof clean === 'boolean' ? clean : null,
  });

  const def = ctx.definitions.get('ciBuildRuns')!;
  const document = await singleDocument(
    ctx,
    def,
    run,
    emptyQuery(),
    `${ctx.baseUrl}/v1/ciBuildRuns`,
  );
  return { document, location: resourceUrl(ctx, 'ciBuildRuns', run.id) };
}
