import { LRUCache } from 'lru-cache';
import type { WorkflowRow } from '../../store/catalog-repository.ts';
import type { WorkflowAction, CiAction } from '../../model/workflow.ts';
import type { ResourceDefinition } from '../jsonapi/resource-definition.ts';
import { attributeSchema, completeMembers } from './complete-members.ts';

export const conditionNames = [
  'branchStartCondition',
  'tagStartCondition',
  'pullRequestStartCondition',
  'scheduledStartCondition',
  'manualBranchStartCondition',
  'manualTagStartCondition',
  'manualPullRequestStartCondition',
] as const;

/* A stored condition holds what was written; a response shows every member the contract
   declares. */
const conditionSchemas = new Map(
  conditionNames.map((name) => [name, attributeSchema('CiWorkflow', name)] as const),
);

/*
 * What the API shows of a workflow's stored conditions and actions depends on their JSON
 * text alone, and the same few texts are read request after request, so each text's result
 * is kept. Results are frozen, since every response showing that text shares them.
 */
const conditionsShown = new LRUCache<string, Readonly<Record<string, unknown>>>({ max: 100 });
const actionsShown = new LRUCache<string, readonly CiAction[]>({ max: 100 });

/** Every start condition by name: null when unset, else with every member the contract has. */
function shownConditions(text: string): Readonly<Record<string, unknown>> {
  let shown = conditionsShown.get(text);
  if (shown === undefined) {
    const conditions = JSON.parse(text) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const name of conditionNames) {
      const condition = conditions[name];
      out[name] =
        condition === undefined || condition === null
          ? null
          : completeMembers(condition, conditionSchemas.get(name));
    }
    shown = deepFreeze(out);
    conditionsShown.set(text, shown);
  }
  return shown;
}

function shownActions(text: string): readonly CiAction[] {
  let shown = actionsShown.get(text);
  if (shown === undefined) {
    shown = deepFreeze((JSON.parse(text) as WorkflowAction[]).map(publicAction));
    actionsShown.set(text, shown);
  }
  return shown;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/** A CiAction as the API shows it: the Stratus-only settings stay on the server. */
export function publicAction(action: WorkflowAction): CiAction {
  return {
    name: action.name ?? null,
    actionType: action.actionType ?? null,
    destination: action.destination ?? null,
    buildDistributionAudience: action.buildDistributionAudience ?? null,
    testConfiguration: action.testConfiguration ?? null,
    scheme: action.scheme ?? null,
    platform: action.platform ?? null,
    isRequiredToPass: action.isRequiredToPass ?? null,
  };
}

export const ciWorkflows: ResourceDefinition<WorkflowRow> = {
  type: 'ciWorkflows',
  load: (ids, ctx) => ctx.store.catalog.workflows(ids),
  id: (row) => row.id,
  attributes: (row) => ({
    name: row.name,
    description: row.description,
    ...shownConditions(row.start_conditions),
    actions: shownActions(row.actions),
    isEnabled: row.is_enabled === 1,
    isLockedForEditing: row.is_locked_for_editing === 1,
    clean: row.clean === 1,
    containerFilePath: row.container_file_path,
    lastModifiedDate: row.last_modified_date,
  }),
  relations: {
    product: { kind: 'toOne', id: (row) => row.product_id },
    repository: { kind: 'toOne', id: (row) => row.repository_id },
    xcodeVersion: { kind: 'toOne', id: (row) => row.xcode_version_id },
    macOsVersion: { kind: 'toOne', id: (row) => row.macos_version_id },
    buildRuns: {
      kind: 'toMany',
      page: (row, req, ctx) => ctx.store.runs.listRuns({ workflowId: row.id }, req.descending, req),
    },
  },
};
