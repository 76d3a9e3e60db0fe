/**
 * The reason an action's signal fires when the action ran past its time
 * limit. The executor tells it apart from a cancel: a cancel is someone's
 * decision (CANCELED); a time limit is the machine giving up on a build that
 * would not end (ERRORED, with this message as the issue).
 */
export class TimeLimitExceeded extends Error {
  readonly minutes: number;

  constructor(minutes: number) {
    super(
      `The action ran longer than its time limit of ${formatMinutes(minutes)} and was stopped, ` +
        'with every process it started. Give the action a larger timeoutMinutes in the ' +
        'products file, or start the runner with a larger --action-timeout, if it needs longer.',
    );
    this.name = 'TimeLimitExceeded';
    this.minutes = minutes;
  }
}

function formatMinutes(minutes: number): string {
  if (minutes >= 1) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  return `${Math.round(minutes * 60)} seconds`;
}
