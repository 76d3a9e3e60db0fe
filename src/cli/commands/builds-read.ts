/** `builds list|show|actions|issues|tests`: reading runs and what their actions produced. */
import type { CiBuildAction, CiBuildRun, CiIssue, CiTestResult } from '../../client/index.ts';
import { UsageError } from '../cli-error.ts';
import { createContext, noPositionals, onePositional, parseCommand } from '../client-command.ts';
import {
  describeIssues,
  elapsed,
  firstLine,
  formatDate,
  printList,
  shortIssues,
  statusOf,
  table,
} from '../output.ts';
import { resolveProduct, resolveRun, resolveWorkflow } from '../resolve.ts';

const scopeOptions = { workflow: { type: 'string' }, product: { type: 'string' } } as const;

const runStatuses = [
  'PENDING',
  'RUNNING',
  'COMPLETE',
  'SUCCEEDED',
  'FAILED',
  'ERRORED',
  'CANCELED',
  'SKIPPED',
];

export async function buildsList(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...scopeOptions,
    status: { type: 'string' },
    limit: { type: 'string' },
  });
  noPositionals(positionals);
  if (!values.workflow && !values.product) {
    // The API lists runs only per workflow or product (there is no GET /v1/ciBuildRuns).
    throw new UsageError('builds list needs --workflow NAME|ID or --product NAME|ID');
  }
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit <= 0) {
    throw new UsageError(`--limit takes a whole number > 0; got '${values.limit}'`);
  }
  const statuses = values.status
    ?.toUpperCase()
    .split(',')
    .map((s) => s.trim());
  const unknown = statuses?.find((s) => !runStatuses.includes(s));
  if (unknown)
    throw new UsageError(`--status '${unknown}' is not one of ${runStatuses.join(', ')}`);

  const { client, out } = createContext(values);
  const owner = values.workflow
    ? { workflowId: (await resolveWorkflow(client, values.workflow, values.product)).workflow.id }
    : { productId: (await resolveProduct(client, values.product!)).id };

  // Apple's run lists take no status filter: with one, read whole pages and keep matches.
  const pages = client
    .listBuildRuns(owner, {
      sort: '-number',
      limit: statuses ? 200 : Math.min(limit, 200),
      include: ['workflow', 'sourceBranchOrTag'],
    })
    .pages();
  const runs: CiBuildRun[] = [];
  const names = new Map<string, string>();
  for await (const page of pages) {
    for (const r of page.included ?? []) {
      const attributes = (r as { attributes?: { name?: string } }).attributes;
      if (attributes?.name) names.set(`${r.type}/${r.id}`, attributes.name);
    }
    for (const run of page.data) {
      const a = run.attributes;
      const matches =
        !statuses ||
        statuses.includes(a?.executionProgress ?? '') ||
        statuses.includes(a?.completionStatus ?? '');
      if (matches) runs.push(run);
      if (runs.length >= limit) break;
    }
    if (runs.length >= limit) break;
  }
  const related = (run: CiBuildRun, rel: 'workflow' | 'sourceBranchOrTag', type: string) => {
    const id = run.relationships?.[rel]?.data?.id;
    return (id && names.get(`${type}/${id}`)) ?? '-';
  };
  printList(
    out,
    runs,
    ['BUILD', 'STATUS', 'WORKFLOW', 'REF', 'CREATED', 'TIME', 'ISSUES', 'ID'],
    (run) => [
      String(run.attributes?.number ?? ''),
      statusOf(run.attributes),
      related(run, 'workflow', 'ciWorkflows'),
      related(run, 'sourceBranchOrTag', 'scmGitReferences'),
      formatDate(run.attributes?.createdDate),
      elapsed(run.attributes?.startedDate, run.attributes?.finishedDate),
      shortIssues(run.attributes?.issueCounts),
      run.id,
    ],
    'no build runs',
  );
  return 0;
}

export async function buildsShow(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, scopeOptions);
  const value = onePositional(positionals, 'run (id, or build number with --workflow/--product)');
  const { client, out } = createContext(values);
  const found = await resolveRun(client, value, values);
  const doc = await client.getBuildRun(found.id, {
    include: ['workflow', 'product', 'sourceBranchOrTag'],
  });
  if (out.json) return (out.line(JSON.stringify(doc, null, 2)), 0);
  if (out.quiet) return (out.line(doc.data.id), 0);

  const a = doc.data.attributes ?? {};
  const name = (type: string) =>
    (doc.included?.find((r) => r.type === type) as { attributes?: { name?: string } } | undefined)
      ?.attributes?.name ?? '-';
  const commit = a.sourceCommit;
  out.line(
    table(
      ['BUILD', String(a.number ?? '')],
      [
        ['id', doc.data.id],
        ['status', statusOf(a)],
        ['product', name('ciProducts')],
        ['workflow', name('ciWorkflows')],
        ['ref', name('scmGitReferences')],
        ['reason', a.startReason ?? '-'],
        [
          'commit',
          commit
            ? `${commit.commitSha?.slice(0, 12)} ${firstLine(commit.message, 60)} ` +
              `(${commit.author?.displayName ?? '?'})`
            : '-',
        ],
        ['created', formatDate(a.createdDate)],
        ['started', formatDate(a.startedDate)],
        ['finished', formatDate(a.finishedDate)],
        ['time', elapsed(a.startedDate, a.finishedDate)],
        ['issues', describeIssues(a.issueCounts)],
      ],
    ),
  );
  const actions = await client.listBuildActions(doc.data.id, { limit: 200 }).all();
  out.line();
  out.line(actionsTable(actions));
  return 0;
}

function actionsTable(actions: CiBuildAction[]): string {
  return table(
    ['ACTION', 'TYPE', 'STATUS', 'REQUIRED', 'TIME', 'ISSUES', 'ID'],
    actions.map((x) => [
      x.attributes?.name ?? '',
      x.attributes?.actionType ?? '',
      statusOf(x.attributes),
      x.attributes?.isRequiredToPass ? 'yes' : 'no',
      elapsed(x.attributes?.startedDate, x.attributes?.finishedDate),
      shortIssues(x.attributes?.issueCounts),
      x.id,
    ]),
  );
}

export async function buildsActions(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, scopeOptions);
  const value = onePositional(positionals, 'run');
  const { client, out } = createContext(values);
  const run = await resolveRun(client, value, values);
  const actions = await client.listBuildActions(run.id, { limit: 200 }).all();
  if (out.json || out.quiet || actions.length === 0) {
    printList(out, actions, [], () => [], 'no actions');
  } else {
    out.line(actionsTable(actions));
  }
  return 0;
}

const issueTypes = ['ANALYZER_WARNING', 'ERROR', 'TEST_FAILURE', 'WARNING'];

export async function buildsIssues(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { ...scopeOptions, type: { type: 'string' } });
  const value = onePositional(positionals, 'run');
  const types = values.type?.toUpperCase().split(',');
  const bad = types?.find((t) => !issueTypes.includes(t));
  if (bad) throw new UsageError(`--type '${bad}' is not one of ${issueTypes.join(', ')}`);
  const { client, out } = createContext(values);
  const run = await resolveRun(client, value, values);
  const rows: { id: string; action: string; issue: CiIssue }[] = [];
  for await (const action of client.listBuildActions(run.id, { limit: 200 })) {
    for await (const issue of client.listIssues(action.id, { limit: 200 })) {
      if (!types || types.includes(issue.attributes?.issueType ?? '')) {
        rows.push({ id: issue.id, action: action.attributes?.name ?? action.id, issue });
      }
    }
  }
  if (out.json)
    return (
      out.line(
        JSON.stringify(
          rows.map((r) => r.issue),
          null,
          2,
        ),
      ),
      0
    );
  printList(
    out,
    rows,
    ['ACTION', 'TYPE', 'LOCATION', 'MESSAGE'],
    ({ action, issue }) => {
      const f = issue.attributes?.fileSource;
      return [
        action,
        issue.attributes?.issueType ?? '',
        f?.path ? `${f.path}${f.lineNumber ? `:${f.lineNumber}` : ''}` : '-',
        firstLine(issue.attributes?.message),
      ];
    },
    'no issues',
  );
  return 0;
}

export async function buildsTests(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...scopeOptions,
    failed: { type: 'boolean' },
  });
  const value = onePositional(positionals, 'run');
  const { client, out } = createContext(values);
  const run = await resolveRun(client, value, values);
  const rows: { id: string; action: string; result: CiTestResult }[] = [];
  for await (const action of client.listBuildActions(run.id, { limit: 200 })) {
    for await (const result of client.listTestResults(action.id, { limit: 200 })) {
      const status = result.attributes?.status;
      if (!values.failed || status === 'FAILURE' || status === 'MIXED') {
        rows.push({ id: result.id, action: action.attributes?.name ?? action.id, result });
      }
    }
  }
  if (out.json)
    return (
      out.line(
        JSON.stringify(
          rows.map((r) => r.result),
          null,
          2,
        ),
      ),
      0
    );
  printList(
    out,
    rows,
    ['ACTION', 'STATUS', 'TEST', 'MESSAGE'],
    ({ action, result: { attributes: t } }) => [
      action,
      t?.status ?? '',
      [t?.className, t?.name].filter(Boolean).join(' › '),
      firstLine(t?.message, 80),
    ],
    values.failed ? 'no failed tests' : 'no test results',
  );
  return 0;
}
