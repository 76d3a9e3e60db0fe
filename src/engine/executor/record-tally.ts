import { isAbsolute, relative, resolve, sep } from 'node:path';
import {
  countIssue,
  emptyIssueCounts,
  type FileLocation,
  type IssueCounts,
  type IssueRecord,
  type TestResultRecord,
} from '../../model/records.ts';
import type { RecordEmitter } from '../../parsers/emitter.ts';
import type { ActionSink } from './types.ts';

/**
 * Passes issues and test results on to the sink and keeps count, so the
 * executor can tell whether a failure was already explained by the parsers
 * and whether any test failed.
 *
 * File paths are made relative to the repository, as Apple reports them
 * (`FieldNotesTests/LoginTests.swift`): compilers print absolute paths, or
 * paths relative to the folder the step ran in.
 */
export class RecordTally {
  readonly counts: IssueCounts = emptyIssueCounts();
  failedTests = 0;

  readonly #sink: ActionSink;
  readonly #repository: string;

  constructor(sink: ActionSink, repository: string) {
    this.#sink = sink;
    this.#repository = repository;
  }

  /** Errors and test failures reported so far: a failing step that added some is explained. */
  get failures(): number {
    return this.counts.errors + this.counts.testFailures + this.failedTests;
  }

  get anyTestFailed(): boolean {
    return this.counts.testFailures > 0 || this.failedTests > 0;
  }

  /** An emitter for output produced in `cwd`. */
  emitterFor(cwd: string): RecordEmitter {
    return {
      issue: (issue) => this.issue({ ...issue, fileSource: this.#locate(issue.fileSource, cwd) }),
      testResult: (result) => {
        this.testResult({ ...result, fileSource: this.#locate(result.fileSource, cwd) });
      },
    };
  }

  issue(issue: IssueRecord): void {
    countIssue(this.counts, issue.issueType);
    this.#sink.issue(issue);
  }

  testResult(result: TestResultRecord): void {
    if (result.status === 'FAILURE' || result.status === 'MIXED') this.failedTests += 1;
    this.#sink.testResult(result);
  }

  #locate(location: FileLocation | null, cwd: string): FileLocation | null {
    if (location === null || location.path === '') return location;
    const absolute = resolve(cwd, location.path);
    const inRepository = relative(this.#repository, absolute);
    const outside = inRepository === '..' || inRepository.startsWith(`..${sep}`);
    if (inRepository === '' || outside || isAbsolute(inRepository)) {
      // Outside the repository (an SDK header, a toolchain file): keep it whole.
      return { ...location, path: absolute };
    }
    return { ...location, path: inRepository.split(sep).join('/') };
  }
}
