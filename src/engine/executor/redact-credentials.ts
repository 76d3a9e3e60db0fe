/**
 * Hides the user information of URLs in a line of text
 * (`https://x-token:secret@host/repo.git` → `https://***@host/repo.git`).
 * Repository URLs often carry an access token, and the clone step's log,
 * its failure reasons and git's own messages all quote the URL.
 *
 * @example
 * redactCredentials("fatal: repository 'https://ci:t0k3n@git.example/app.git/' not found")
 * // → "fatal: repository 'https://***@git.example/app.git/' not found"
 */
export function redactCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z\d+.-]*:\/\/)[^\s/@'"]+@/gi, '$1***@');
}
