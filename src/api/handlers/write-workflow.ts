/**
 * POST, PATCH and DELETE of ciWorkflows, and DELETE of ciProducts. The body has
 * passed the contract's schema; these are the rules a valid body can still
 * break, each a 409 pointing at the member at fault.
 */
import {
  type AscError,
  attributeInvalid,
  idMismatch,
  notFound,
  relationshipInvalid,
  stateError,
} from '../../errors.ts';
import type { WorkflowAction } from '../../model/workflow.ts';
import type { WorkflowFields, WorkflowRow } from '../../store/catalog-repository.ts';
import type { ApiContextWithTypes as Ctx } from '../api-context.ts';
import { resourceUrl, singleDocument } from '../jsonapi/document.ts';
import { emptyQuery } from '../jsonapi/query.ts';
import { conditionNames } from '../resources/ci-workflows.ts';
import { relationshipId, type RequestDocument } from './request-body.ts';

type Attributes = Record<string, unknown>;

const rel = (name: string) => `/data/relationships/${name}`;
const attr = (name: string) => `/data/attributes/${name}`;

export async function createWorkflow(ctx: Ctx, body: RequestDocument) {
  const attributes = body.data.attributes as Attributes;
  const productId = relationshipId(body, 'product')!;
  const repositoryId = relationshipId(body, 'repository')!;

  const [product] = await ctx.store.catalog.products([productId]);
  if (!product)
    throw relationshipInvalid(rel('product'), `There is no product with id '${productId}'.`);
  const repositories = [
    ...(await ctx.store.catalog.productRepositoryIds(productId, 'PRIMARY')),
    ...(await ctx.store.catalog.productRepositoryIds(productId, 'ADDITIONAL')),
  ];
  if (!repositories.includes(repositoryId)) {
    throw relationshipInvalid(
      rel('repository'),
      `The repository '${repositoryId}' is not one of the product's repositories; ` +
        `list them at /v1/ciProducts/${productId}/primaryRepositories.`,
    );
  }
  const versions = await checkVersions(
    ctx,
    relationshipId(body, 'xcodeVersion')!,
    relationshipId(body, 'macOsVersion')!,
  );
  const name = attributes.name as string;
  await refuseTakenName(ctx, productId, name, null);

  const row = await ctx.store.catalog.createWorkflow({
    product_id: productId,
    repository_id: repositoryId,
    ...fieldsFrom(attributes, null),
    ...versions,
  } as WorkflowFields & { product_id: string });
  return workflowDocument(ctx, row, `${ctx.baseUrl}/v1/ciWorkflows`);
}

export async function updateWorkflow(ctx: Ctx, id: string, body: RequestDocument) {
  const [workflow] = await ctx.store.catalog.workflows([id]);
  if (!workflow) throw notFound('ciWorkflows', id);
  if (body.data.id !== id) {
    throw idMismatch(
      `The body names the workflow '${body.data.id}' but the URL names '${id}'; ` +
        'make them the same.',
    );
  }

  const attributes = (body.data.attributes ?? {}) as Attributes;
  const changes: Partial<WorkflowFields> = fieldsFrom(attributes, workflow);
  const xcodeId = relationshipId(body, 'xcodeVersion');
  const macId = relationshipId(body, 'macOsVersion');
  if (xcodeId !== null || macId !== null) {
    Object.assign(
      changes,
      await checkVersions(
        ctx,
        xcodeId ?? workflow.xcode_version_id,
        macId ?? workflow.macos_version_id,
        xcodeId !== null ? 'xcodeVersion' : 'macOsVersion',
      ),
    );
  }

  const changing = (Object.keys(changes) as (keyof WorkflowFields)[]).filter(
    (k) => changes[k] !== workflow[k],
  );
  if (workflow.is_locked_for_editing && changing.some((k) => k !== 'is_locked_for_editing')) {
    throw stateError(
      `The workflow '${workflow.name}' is locked for editing (isLockedForEditing); ` +
        'unlock it first, in a request that changes only isLockedForEditing.',
      pointerOf(changing.find((k) => k !== 'is_locked_for_editing')!),
    );
  }
  if (changes.name !== undefined) await refuseTakenName(ctx, workflow.product_id, changes.name, id);

  const row = await ctx.store.catalog.updateWorkflow(id, changes);
  if (!row) throw notFound('ciWorkflows', id);
  return (await workflowDocument(ctx, row, resourceUrl(ctx, 'ciWorkflows', id))).document;
}

export async function deleteWorkflow(ctx: Ctx, id: string): Promise<void> {
  const [workflow] = await ctx.store.catalog.workflows([id]);
  if (!workflow) throw notFound('ciWorkflows', id);
  if (workflow.is_locked_for_editing) {
    throw stateError(
      `The workflow '${workflow.name}' is locked for editing (isLockedForEditing); ` +
        'unlock it before deleting it.',
    );
  }
  const removal = await ctx.store.catalog.removeWorkflow(id);
  if (removal.unfinishedRun) throw unfinished('workflow', removal.unfinishedRun);
  if (!removal.removed) throw notFound('ciWorkflows', id);
  await ctx.engine.removeRunFiles(removal.runIds);
}

export async function deleteProduct(ctx: Ctx, id: string): Promise<void> {
  const removal = await ctx.store.catalog.removeProduct(id);
  if (removal.unfinishedRun) throw unfinished('product', removal.unfinishedRun);
  if (!removal.removed) throw notFound('ciProducts', id);
  await ctx.engine.removeRunFiles(removal.runIds);
}

function unfinished(what: string, run: { id: string; number: number }): AscError {
  return stateError(
    `Build ${run.number} (${run.id}) of this ${what} has not completed; deleting would remove ` +
      'it while it is queued or running. Wait until it is COMPLETE, then delete again.',
  );
}

/** The columns the given attributes set; null for a non-nullable attribute leaves it as it is. */
function fieldsFrom(attributes: Attributes, current: WorkflowRow | null): Partial<WorkflowFields> {
  const out: Partial<WorkflowFields> = {};
  const given = (name: string) => attributes[name] !== undefined && attributes[name] !== null;
  if (given('name')) out.name = attributes.name as string;
  if (given('description')) out.description = attributes.description as string;
  if (given('isEnabled')) out.is_enabled = attributes.isEnabled ? 1 : 0;
  if (given('isLockedForEditing'))
    out.is_locked_for_editing = attributes.isLockedForEditing ? 1 : 0;
  else if (!current) out.is_locked_for_editing = 0;
  if (given('clean')) out.clean = attributes.clean ? 1 : 0;
  if (given('containerFilePath')) out.container_file_path = attributes.containerFilePath as string;
  if (given('actions')) {
    const actions = checkActions(attributes.actions as Attributes[]);
    out.actions = JSON.stringify(current ? keepLocalSettings(actions, current) : actions);
  }

  // Start conditions are nullable in the resource: null removes one.
  const conditions = current ? JSON.parse(current.start_conditions) : {};
  let conditionsChanged = !current;
  for (const name of conditionNames) {
    if (attributes[name] === undefined) continue;
    conditions[name] = attributes[name];
    conditionsChanged = true;
  }
  if (conditionsChanged) {
    const ordered: Record<string, unknown> = {};
    for (const name of conditionNames) ordered[name] = conditions[name] ?? null;
    out.start_conditions = JSON.stringify(ordered);
  }
  return out;
}

/** Actions as the executor needs them: named and typed; xcodebuild composed from each. */
function checkActions(actions: Attributes[]): WorkflowAction[] {
  if (actions.length === 0) {
    throw attributeInvalid(attr('actions'), 'A workflow needs at least one action.');
  }
  return actions.map((a, i) => {
    for (const name of ['name', 'actionType'] as const) {
      if (typeof a[name] !== 'string' || a[name] === '') {
        throw attributeInvalid(`${attr('actions')}/${i}/${name}`, `Each action needs a ${name}.`);
      }
    }
    return {
      name: a.name as string,
      actionType: a.actionType,
      destination: a.destination ?? null,
      buildDistributionAudience: a.buildDistributionAudience ?? null,
      testConfiguration: a.testConfiguration ?? null,
      scheme: a.scheme ?? null,
      platform: a.platform ?? null,
      isRequiredToPass: a.isRequiredToPass ?? true,
    } as WorkflowAction;
  });
}

/**
 * The API never shows an action's `command`, `testReports` and `timeoutMinutes`
 * (settings of the products file), so a client that writes back the actions it
 * read would drop them. An action that keeps its name and type keeps them.
 */
function keepLocalSettings(actions: WorkflowAction[], current: WorkflowRow): WorkflowAction[] {
  const before = JSON.parse(current.actions) as WorkflowAction[];
  return actions.map((action) => {
    const same = before.find((b) => b.name === action.name && b.actionType === action.actionType);
    if (!same) return action;
    const kept: WorkflowAction = { ...action };
    if (same.command !== undefined) kept.command = same.command;
    if (same.testReports !== undefined) kept.testReports = same.testReports;
    if (same.timeoutMinutes !== undefined) kept.timeoutMinutes = same.timeoutMinutes;
    return kept;
  });
}

async function checkVersions(
  ctx: Ctx,
  xcodeId: string | null,
  macId: string | null,
  blame: 'xcodeVersion' | 'macOsVersion' = 'macOsVersion',
): Promise<Pick<WorkflowFields, 'xcode_version_id' | 'macos_version_id'>> {
  if (xcodeId !== null && (await ctx.store.toolchain.xcodeVersions([xcodeId])).length === 0) {
    throw relationshipInvalid(
      rel('xcodeVersion'),
      `No runner has reported the Xcode version '${xcodeId}'; list them at /v1/ciXcodeVersions.`,
    );
  }
  if (macId !== null && (await ctx.store.toolchain.macOsVersions([macId])).length === 0) {
    throw relationshipInvalid(
      rel('macOsVersion'),
      `No runner has reported the macOS version '${macId}'; list them at /v1/ciMacOsVersions.`,
    );
  }
  if (
    xcodeId !== null &&
    macId !== null &&
    !(await ctx.store.toolchain.compatible(xcodeId, macId))
  ) {
    throw relationshipInvalid(
      rel(blame),
      `No runner has Xcode '${xcodeId}' on macOS '${macId}'; pick a pair from ` +
        `/v1/ciXcodeVersions/${xcodeId}/macOsVersions.`,
    );
  }
  return { xcode_version_id: xcodeId, macos_version_id: macId };
}

async function refuseTakenName(ctx: Ctx, productId: string, name: string, self: string | null) {
  const other = await ctx.store.catalog.workflowByName(productId, name);
  if (other && other.id !== self) {
    throw attributeInvalid(
      attr('name'),
      `The product already has a workflow named '${name}'; choose another name.`,
    );
  }
}

function pointerOf(column: keyof WorkflowFields): string {
  const names: Partial<Record<keyof WorkflowFields, string>> = {
    name: 'name',
    description: 'description',
    is_enabled: 'isEnabled',
    clean: 'clean',
    container_file_path: 'containerFilePath',
    actions: 'actions',
  };
  if (column === 'xcode_version_id') return rel('xcodeVersion');
  if (column === 'macos_version_id') return rel('macOsVersion');
  const name = names[column];
  return name ? attr(name) : '/data/attributes';
}

async function workflowDocument(ctx: Ctx, row: WorkflowRow, self: string) {
  const def = ctx.definitions.get('ciWorkflows')!;
  const document = await singleDocument(ctx, def, row, emptyQuery(), self);
  return { document, location: resourceUrl(ctx, 'ciWorkflows', row.id) };
}
