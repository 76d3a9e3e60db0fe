/**
 * An argv as a POSIX shell would need it typed, for the log: a reader can
 * copy the line into a terminal and get the same invocation.
 *
 * @example
 * shellQuote(['xcodebuild', '-destination', 'generic/platform=iOS Simulator'])
 * // → "xcodebuild -destination 'generic/platform=iOS Simulator'"
 */
export function shellQuote(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}

function quoteWord(word: string): string {
  if (word !== '' && /^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
