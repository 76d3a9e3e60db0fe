/**
 * Follows a run until it completes: on a terminal, a block of lines redrawn
 * in place (each action's state, time and issues); otherwise one plain line
 * whenever something changes, so logs of CI jobs stay readable.
 */
import type { AscClient, CiBuildAction, CiBuildRun } from '../client/index.ts';
import { NetworkError, TimeoutError } from '../client/asc-client-error.ts';
import { describeIssues, elapsed, statusOf } from './output.ts';

export interface WatchConfig {
  intervalMs: number;
  /** Give up after this long; the run itself goes on. */
  timeoutMs: number | null;
  /** Where progress goes: stderr, so stdout keeps only results. */
  stream: NodeJS.WriteStream;
  title: string;
  /**
   * How long to keep reconnecting to a server that cannot be reached (a
   * restart, a network blip) when there is no timeoutMs. Default 10 minutes.
   */
  reconnectMs?: number;
}

export interface WatchResult {
  run: CiBuildRun;
  actions: CiBuildAction[];
  timedOut: boolean;
}

function actionLine(action: CiBuildAction): string {
  const a = action.attributes;
  const issues = a?.issueCounts ? describeIssues(a.issueCounts) : '';
  return [
    `  ${(a?.name ?? '').padEnd(24)}`,
    statusOf(a).padEnd(10),
    elapsed(a?.startedDate, a?.finishedDate).padStart(7),
    issues === 'no issues' ? '' : `  ${issues}`,
  ]
    .join(' ')
    .trimEnd();
}

export async function watchRun(
  client: AscClient,
  runId: string,
  config: WatchConfig,
): Promise<WatchResult> {
  const began = Date.now();
  const tty = !!config.stream.isTTY;
  let drawn = 0;
  let lastChange = '';

  let lostSince: number | null = null;
  let pause = 1000;

  for (;;) {
    let run: CiBuildRun;
    let actions: CiBuildAction[];
    try {
      run = (await client.getBuildRun(runId)).data;
      actions = await client.listBuildActions(runId, { limit: 200 }).all();
    } catch (error) {
      if (!(error instanceof NetworkError || error instanceof TimeoutError)) throw error;
      // The run goes on without us: keep trying until the timeout, or the reconnect bound.
      const now = Date.now();
      if (lostSince === null) {
        lostSince = now;
        config.stream.write(`lost the server (${error.message}); reconnecting…\n`);
        drawn = 0;
      }
      const bound =
        config.timeoutMs === null
          ? lostSince + (config.reconnectMs ?? 600_000)
          : began + config.timeoutMs;
      if (now + pause > bound) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 10_000);
      continue;
    }
    if (lostSince !== null) {
      config.stream.write('reconnected\n');
      lostSince = null;
      pause = 1000;
      lastChange = '';
    }
    const done = run.attributes?.executionProgress === 'COMPLETE';

    if (tty) {
      const lines = [
        `${config.title}  ${statusOf(run.attributes)}  ` +
          elapsed(
            run.attributes?.startedDate ?? run.attributes?.createdDate,
            run.attributes?.finishedDate,
          ),
        ...actions.map(actionLine),
      ];
      // Up over the previous block, clear to the end of the screen, draw again.
      const up = drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '';
      config.stream.write(`${up}${lines.join('\n')}\n`);
      drawn = lines.length;
    } else {
      const change = [
        statusOf(run.attributes),
        ...actions.map((a) => `${a.attributes?.name}: ${statusOf(a.attributes)}`),
      ].join(' | ');
      if (change !== lastChange) {
        const seconds = ((Date.now() - began) / 1000).toFixed(1).padStart(6);
        const counts = run.attributes?.issueCounts;
        const issues = counts ? ` (${describeIssues(counts)})` : '';
        config.stream.write(`${seconds}s  ${change}${issues}\n`);
        lastChange = change;
      }
    }

    if (done) return { run, actions, timedOut: false };
    const left = config.timeoutMs === null ? Infinity : config.timeoutMs - (Date.now() - began);
    if (left <= 0) return { run, actions, timedOut: true };
    await new Promise((resolve) => setTimeout(resolve, Math.min(config.intervalMs, left)));
  }
}
