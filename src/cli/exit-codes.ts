/**
 * The `stratus` command's exit codes, one per outcome a script may want to
 * tell apart. Never renumber one: scripts compare against them.
 */
export const ExitCode = {
  OK: 0,
  /** `builds start --wait`: the run completed FAILED. */
  BUILD_FAILED: 1,
  USAGE: 2,
  BUILD_ERRORED: 3,
  BUILD_CANCELED: 4,
  BUILD_SKIPPED: 5,
  /** `--wait --timeout S` passed before the run completed (the run goes on). */
  WAIT_TIMEOUT: 6,
  /** The API answered with an error document. */
  API_ERROR: 7,
  /** The server could not be reached or did not answer in time, after retries. */
  NETWORK_ERROR: 8,
  /** Credentials missing or unusable: no issuer or key id, an unreadable or bad key file. */
  CREDENTIALS: 9,
  /** Anything unexpected. */
  INTERNAL: 10,
} as const;

/** The exit code for a completed run's `completionStatus`. */
export function exitCodeForStatus(status: string | null | undefined): number {
  switch (status) {
    case 'SUCCEEDED':
      return ExitCode.OK;
    case 'FAILED':
      return ExitCode.BUILD_FAILED;
    case 'CANCELED':
      return ExitCode.BUILD_CANCELED;
    case 'SKIPPED':
      return ExitCode.BUILD_SKIPPED;
    default:
      return ExitCode.BUILD_ERRORED;
  }
}

export const exitCodeHelp = `exit codes:
  0  success; with --wait, the run SUCCEEDED
  1  the run FAILED            3  the run ERRORED
  4  the run was CANCELED      5  the run was SKIPPED
  2  usage error (bad flags, a name that matches nothing or more than one thing)
  6  --timeout passed before the run completed (the run goes on)
  7  the API answered with an error      8  the server could not be reached
  9  credentials missing or unusable     10 unexpected failure`;
