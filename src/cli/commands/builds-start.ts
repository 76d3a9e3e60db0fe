/** `builds start`: start a run of a workflow, and with --wait follow it to the end. */
import type { AscClient, CiBuildRun, StartBuildRunInput } from '../../client/index.ts';
import { UsageError } from '../cli-error.ts';
import { createContext, noPositionals, parseCommand } from '../client-command.ts';
import { ExitCode, exitCodeForStatus } from '../exit-codes.ts';
import {
  describeIssues,
  elapsed,
  formatDuration,
  shortIssues,
  statusOf,
  table,
} from '../output.ts';
import type { Output } from '../output.ts';
import {
  resolveGitReference,
  resolvePullRequest,
  resolveRun,
  resolveWorkflow,
} from '../resolve.ts';
import { watchRun } from '../watch-run.ts';

function seconds(value: string | undefined, flag: string, fallback: number | null): number | null {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag} takes seconds > 0; got '${value}'`);
  return n * 1000;
}

export async function buildsStart(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    workflow: { type: 'string' },
    product: { type: 'string' },
    branch: { type: 'string' },
    tag: { type: 'string' },
    'pull-request': { type: 'string' },
    rebuild: { type: 'string' },
    clean: { type: 'boolean' },
    wait: { type: 'boolean' },
    timeout: { type: 'string' },
    interval: { type: 'string' },
  });
  noPositionals(positionals);
  if (!values.workflow) throw new UsageError('builds start needs --workflow NAME|ID');
  const sources = (['branch', 'tag', 'pull-request', 'rebuild'] as const).filter(
    (s) => values[s] !== undefined,
  );
  if (sources.length > 1) {
    throw new UsageError(
      'give one of --branch, --tag, --pull-request, --rebuild; got ' +
        sources.map((s) => `--${s}`).join(' and '),
    );
  }
  if (!values.wait && (values.timeout || values.interval)) {
    throw new UsageError('--timeout and --interval go with --wait');
  }
  const timeoutMs = seconds(values.timeout, '--timeout', null);
  const intervalMs = seconds(values.interval, '--interval', 3000)!;
  let pullNumber: number | undefined;
  if (values['pull-request'] !== undefined) {
    pullNumber = Number(values['pull-request'].replace('#', ''));
    if (!Number.isInteger(pullNumber) || pullNumber <= 0) {
      throw new UsageError(`--pull-request takes a number; got '${values['pull-request']}'`);
    }
  }

  const { client, out } = createContext(values);
  const { workflow, product } = await resolveWorkflow(client, values.workflow, values.product);
  const input: StartBuildRunInput = { workflowId: workflow.id, clean: values.clean || undefined };
  let source = "the workflow's default branch";
  if (values.branch || values.tag || pullNumber) {
    const repository = (await client.getWorkflowRepository(workflow.id)).data;
    if (pullNumber) {
      input.pullRequestId = (await resolvePullRequest(client, repository, pullNumber)).id;
      source = `pull request #${pullNumber}`;
    } else {
      const kind = values.branch ? 'BRANCH' : 'TAG';
      const name = (values.branch ?? values.tag)!;
      input.gitReferenceId = (await resolveGitReference(client, repository.id, name, kind)).id;
      source = `${kind === 'BRANCH' ? 'branch' : 'tag'} ${name}`;
    }
  } else if (values.rebuild) {
    const scope = { workflow: workflow.id, product: values.product };
    const earlier = await resolveRun(client, values.rebuild, scope);
    input.rebuildOf = earlier.id;
    source = `a rebuild of build ${earlier.attributes?.number}`;
  }

  const started = await client.startBuildRun(input);
  const run = started.data;
  const title =
    `${product?.attributes?.name ? `${product.attributes.name} ` : ''}build ` +
    `${run.attributes?.number} of '${workflow.attributes?.name}'`;

  if (!values.wait) {
    if (out.json) out.line(JSON.stringify(started, null, 2));
    else if (out.quiet) out.line(run.id);
    else out.line(`Started ${title} on ${source}: ${run.id}`);
    return ExitCode.OK;
  }

  if (!out.quiet && !out.json) out.note(`Started ${title} on ${source}: ${run.id}`);
  const result = await watchRun(client, run.id, {
    intervalMs,
    timeoutMs,
    stream: process.stderr,
    title,
  });
  if (result.timedOut) {
    out.note(
      `stratus: ${title} is still ${statusOf(result.run.attributes)} after ` +
        `${formatDuration(timeoutMs!)}; it goes on (${run.id})`,
    );
    return ExitCode.WAIT_TIMEOUT;
  }
  await printOutcome(client, out, result.run, result.actions, title);
  return exitCodeForStatus(result.run.attributes?.completionStatus);
}

async function printOutcome(
  client: AscClient,
  out: Output,
  run: CiBuildRun,
  actions: Awaited<ReturnType<typeof watchRun>>['actions'],
  title: string,
): Promise<void> {
  if (out.json) {
    out.line(JSON.stringify(await client.getBuildRun(run.id), null, 2));
    return;
  }
  if (out.quiet) return out.line(run.id);
  const a = run.attributes;
  out.line(
    `${title}: ${a?.completionStatus} in ` +
      `${elapsed(a?.startedDate ?? a?.createdDate, a?.finishedDate)}` +
      ` — ${describeIssues(a?.issueCounts)}`,
  );
  out.line(
    table(
      ['ACTION', 'STATUS', 'TIME', 'ISSUES'],
      actions.map((x) => [
        x.attributes?.name ?? '',
        statusOf(x.attributes),
        elapsed(x.attributes?.startedDate, x.attributes?.finishedDate),
        shortIssues(x.attributes?.issueCounts),
      ]),
    ),
  );
}
