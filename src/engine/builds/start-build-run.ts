/**
 * Starting a build run: the rules of POST /v1/ciBuildRuns once the body has
 * the right shape. Every refusal is a 409 that points at the relationship at
 * fault; a run is created only when every rule passed, in one transaction.
 */
import { relationshipInvalid, stateError } from '../../errors.ts';
import type { BuildRunRow } from '../../store/build-run-repository.ts';
import type {
  GitReferenceRow,
  RepositoryRow,
  WorkflowRow,
} from '../../store/catalog-repository.ts';
import type { Store } from '../../store/store.ts';
import type { WorkflowAction } from '../../model/workflow.ts';
import type { RepositoryMirror } from '../git/repository-mirror.ts';
import { manualStartRefusal } from './start-conditions.ts';

export interface StartRequest {
  workflowId: string | null;
  sourceBranchOrTagId: string | null;
  pullRequestId: string | null;
  buildRunId: string | null;
  clean: boolean | null;
}

/** What a run needs later to be performed, fixed when it is created. */
export interface RunPlanRecord {
  repositoryUrl: string;
  commitSha: string;
  ref: { kind: 'BRANCH' | 'TAG'; name: string; canonicalName: string } | null;
  workflow: { name: string; containerFilePath: string | null };
}

const pointer = (rel: string) => `/data/relationships/${rel}`;

export interface StartDeps {
  store: Store;
  mirror: RepositoryMirror;
  refreshReferences(repository: RepositoryRow): Promise<void>;
}

export async function startBuildRun(deps: StartDeps, req: StartRequest): Promise<BuildRunRow> {
  const { store } = deps;

  if (req.sourceBranchOrTagId && req.pullRequestId) {
    throw relationshipInvalid(
      pointer('pullRequest'),
      'Give either sourceBranchOrTag or pullRequest, not both.',
    );
  }
  if (req.buildRunId && (req.sourceBranchOrTagId || req.pullRequestId)) {
    const extra = req.sourceBranchOrTagId ? 'sourceBranchOrTag' : 'pullRequest';
    throw relationshipInvalid(
      pointer(extra),
      `A rebuild uses the commit of the run named in buildRun; remove ${extra}.`,
    );
  }
  if (!req.workflowId) {
    throw relationshipInvalid(
      pointer('workflow'),
      'A build run needs the workflow relationship, also for a rebuild.',
    );
  }

  const [workflow] = await store.catalog.workflows([req.workflowId]);
  if (!workflow) {
    throw relationshipInvalid(
      pointer('workflow'),
      `There is no workflow with id '${req.workflowId}'.`,
    );
  }
  if (!workflow.is_enabled) {
    throw stateError(
      `The workflow '${workflow.name}' is disabled; enable it (isEnabled) before starting builds.`,
      pointer('workflow'),
    );
  }
  const [repository] = await store.catalog.repositories([workflow.repository_id]);
  if (!repository) throw new Error(`workflow ${workflow.id} names a missing repository`);

  if (req.pullRequestId) {
    // Pull requests come from a provider's API, which local repositories do not have.
    throw relationshipInvalid(
      pointer('pullRequest'),
      `There is no pull request with id '${req.pullRequestId}'.`,
    );
  }

  let target: { ref: GitReferenceRow | null; commitSha: string; reason: string };
  if (req.buildRunId) {
    target = await rebuildTarget(store, workflow, req.buildRunId);
  } else {
    await deps.refreshReferences(repository);
    const ref = req.sourceBranchOrTagId
      ? await chosenReference(store, workflow, repository, req.sourceBranchOrTagId)
      : await defaultReference(store, workflow, repository);
    target = { ref, commitSha: ref.commit_sha, reason: 'MANUAL' };
  }

  const commit = await deps.mirror.commit(repository.url, target.commitSha);
  const actions = JSON.parse(workflow.actions) as WorkflowAction[];
  const plan: RunPlanRecord = {
    repositoryUrl: repository.url,
    commitSha: commit.commitSha,
    ref: target.ref
      ? { kind: target.ref.kind, name: target.ref.name, canonicalName: target.ref.canonical_name }
      : null,
    workflow: { name: workflow.name, containerFilePath: workflow.container_file_path },
  };

  const run = await store.runs.create(
    {
      product_id: workflow.product_id,
      workflow_id: workflow.id,
      source_commit: JSON.stringify({
        commitSha: commit.commitSha,
        message: commit.message,
        author: { displayName: commit.authorName, avatarUrl: null },
        committer: { displayName: commit.committerName, avatarUrl: null },
        webUrl: commitWebUrl(repository, commit.commitSha),
      }),
      destination_commit: null,
      is_pull_request_build: 0,
      start_reason: target.reason,
      source_ref_id: target.ref?.id ?? null,
      destination_ref_id: null,
      pull_request_id: null,
      clean: (req.clean ?? workflow.clean === 1) ? 1 : 0,
      plan: JSON.stringify(plan),
    },
    actions.map((a, i) => ({
      name: a.name ?? `${a.actionType ?? 'Action'} ${i + 1}`,
      action_type: a.actionType ?? 'BUILD',
      is_required_to_pass: a.isRequiredToPass === false ? 0 : 1,
      spec: JSON.stringify(a),
    })),
  );
  if (!run) {
    throw relationshipInvalid(
      pointer('workflow'),
      `The workflow '${workflow.id}' was deleted while the build was being started.`,
    );
  }
  await store.catalog.touchRepository(repository.id);
  return run;
}

async function chosenReference(
  store: Store,
  workflow: WorkflowRow,
  repository: RepositoryRow,
  refId: string,
): Promise<GitReferenceRow> {
  const at = pointer('sourceBranchOrTag');
  const [ref] = await store.catalog.gitReferences([refId]);
  if (!ref) throw relationshipInvalid(at, `There is no git reference with id '${refId}'.`);
  if (ref.repository_id !== repository.id) {
    throw relationshipInvalid(
      at,
      `The git reference '${refId}' belongs to another repository than the workflow's.`,
    );
  }
  if (ref.is_deleted)
    throw relationshipInvalid(at, `The git reference '${refId}' has been deleted.`);
  refuseOutsideConditions(workflow, ref, at);
  return ref;
}

async function defaultReference(
  store: Store,
  workflow: WorkflowRow,
  repository: RepositoryRow,
): Promise<GitReferenceRow> {
  const at = pointer('sourceBranchOrTag');
  const branch = repository.default_branch;
  const ref = branch
    ? await store.catalog.referenceByName(repository.id, `refs/heads/${branch}`)
    : undefined;
  if (!ref || ref.is_deleted) {
    throw relationshipInvalid(
      at,
      'The repository has no default branch to build; name a branch or tag in sourceBranchOrTag.',
    );
  }
  refuseOutsideConditions(workflow, ref, at);
  return ref;
}

function refuseOutsideConditions(workflow: WorkflowRow, ref: GitReferenceRow, at: string): void {
  const refusal = manualStartRefusal(JSON.parse(workflow.start_conditions), ref);
  if (refusal) throw relationshipInvalid(at, refusal);
}

async function rebuildTarget(store: Store, workflow: WorkflowRow, runId: string) {
  const at = pointer('buildRun');
  const source = await store.runs.run(runId);
  if (!source) throw relationshipInvalid(at, `There is no build run with id '${runId}'.`);
  if (source.workflow_id !== workflow.id) {
    throw relationshipInvalid(
      at,
      `The build run '${runId}' belongs to another workflow; name its own workflow for a rebuild.`,
    );
  }
  const plan = JSON.parse(source.plan) as RunPlanRecord;
  const [ref] = source.source_ref_id
    ? await store.catalog.gitReferences([source.source_ref_id])
    : [];
  return { ref: ref ?? null, commitSha: plan.commitSha, reason: 'MANUAL_REBUILD' };
}

function commitWebUrl(repository: RepositoryRow, sha: string): string | null {
  const base = repository.http_clone_url?.replace(/\.git$/, '');
  if (!base || !/^https:\/\/(github\.com|gitlab\.com|bitbucket\.org)\//.test(base)) return null;
  return base.includes('bitbucket.org') ? `${base}/commits/${sha}` : `${base}/commit/${sha}`;
}
