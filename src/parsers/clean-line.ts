// CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks),
// charset selection (`tput sgr0` ends with ESC ( B) and the two-byte escapes.
const ANSI_ESCAPE =
  /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[()][0-9A-Za-z]|[@-Z\\-_])/g;

/**
 * Reduces one raw output line to the text a terminal would finally show:
 * line-ending CRs dropped, only what follows the last CR of a progress rewrite
 * kept, and ANSI escape sequences removed.
 */
export function cleanLine(raw: string): string {
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 13) end -= 1;

  let line = end === raw.length ? raw : raw.slice(0, end);
  const lastCr = line.lastIndexOf('\r');
  if (lastCr !== -1) line = line.slice(lastCr + 1);

  return line.includes('\x1b') ? line.replace(ANSI_ESCAPE, '') : line;
}
