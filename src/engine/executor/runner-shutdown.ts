/**
 * The reason an action's signal fires when its runner (or the server it runs
 * in) shuts down. Like a time limit it is not a cancel: nobody decided to
 * stop the build, so the action ends ERRORED with this message as the issue.
 */
export class RunnerShutdown extends Error {
  constructor() {
    super(
      'The runner performing this action shut down (the server or runner process was ' +
        'stopped) while the action ran, so the action was ended. Start the build again ' +
        'to retry it.',
    );
    this.name = 'RunnerShutdown';
  }
}
