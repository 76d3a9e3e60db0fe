import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { RecordEmitter } from '../../parsers/emitter.ts';
import { parseJUnitXml } from '../../parsers/junit-parser.ts';
import { findFiles } from './find-files.ts';

export interface TestReportsConfig {
  repository: string;
  /** Glob of JUnit XML files, relative to the repository. */
  glob: string;
  emit: RecordEmitter;
  log: (text: string) => void;
}

export interface UnreadableReport {
  /** Path relative to the repository. */
  file: string;
  message: string;
}

/**
 * Reads every JUnit XML report the glob matches into the emitter, in path
 * order, and returns those that could not be read. A report that is there
 * but unreadable hides test results, so the caller must not let it pass.
 */
export async function readTestReports(config: TestReportsConfig): Promise<UnreadableReport[]> {
  const files = await findFiles(config.repository, config.glob);
  if (files.length === 0) config.log(`no test reports match ${config.glob}`);

  const unreadable: UnreadableReport[] = [];
  for (const file of files) {
    config.log(`reading test report ${file}`);
    try {
      await parseJUnitXml(createReadStream(join(config.repository, file)), config.emit);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      config.log(`test report ${file} could not be read: ${message}`);
      unreadable.push({ file, message });
    }
  }
  return unreadable;
}
