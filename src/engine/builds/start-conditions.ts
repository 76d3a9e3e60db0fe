/**
 * Whether a workflow's manual start conditions allow a build of a reference.
 * Patterns follow Xcode Cloud: case-sensitive, exact or prefix; `isAllMatch`
 * admits every reference.
 */
export interface Patterns {
  isAllMatch?: boolean | null;
  patterns?: { pattern?: string | null; isPrefix?: boolean | null }[] | null;
}

export function patternsMatch(source: Patterns | null | undefined, name: string): boolean {
  if (!source) return false;
  if (source.isAllMatch) return true;
  return (source.patterns ?? []).some((p) => {
    if (typeof p.pattern !== 'string') return false;
    return p.isPrefix ? name.startsWith(p.pattern) : name === p.pattern;
  });
}

/** Null when allowed; otherwise why not, naming the condition to change. */
export function manualStartRefusal(
  conditions: Record<string, any>,
  ref: { kind: 'BRANCH' | 'TAG'; name: string },
): string | null {
  const key = ref.kind === 'BRANCH' ? 'manualBranchStartCondition' : 'manualTagStartCondition';
  const condition = conditions[key];
  const what = ref.kind === 'BRANCH' ? 'branch' : 'tag';
  if (!condition) {
    return `The workflow does not allow manual builds of a ${what}: it has no ${key}.`;
  }
  if (!patternsMatch(condition.source, ref.name)) {
    return `The ${what} '${ref.name}' does not match the workflow's ${key}.`;
  }
  return null;
}
