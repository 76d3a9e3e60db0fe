/** An error the CLI reports as one line and a chosen exit code. */
import { ExitCode } from './exit-codes.ts';

export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Bad flags, or a name that resolves to nothing or to more than one thing. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.USAGE);
  }
}
