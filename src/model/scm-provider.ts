/**
 * The source-control provider a repository is hosted on, read from its clone
 * URL. Stratus connects to no provider account, so this is what the URL
 * says and nothing more: the well-known cloud hosts, and self-hosted
 * GitHub, GitLab or Bitbucket when the host name says which. Local paths
 * and other hosts have no provider (the contract's kinds cannot describe
 * them), and their repositories' scmProvider is null.
 */
import { createHash } from 'node:crypto';

export type ScmProviderKind =
  | 'BITBUCKET_CLOUD'
  | 'BITBUCKET_SERVER'
  | 'GITHUB_CLOUD'
  | 'GITHUB_ENTERPRISE'
  | 'GITLAB_CLOUD'
  | 'GITLAB_SELF_MANAGED';

export interface ScmProvider {
  /** Stable per kind and host, so links stay valid across restarts. */
  id: string;
  kind: ScmProviderKind;
  displayName: string;
  isOnPremise: boolean;
  /** The bare host, as in Apple's example (`github.com`). */
  host: string;
}

const cloud: Record<string, [ScmProviderKind, string]> = {
  'github.com': ['GITHUB_CLOUD', 'GitHub'],
  'gitlab.com': ['GITLAB_CLOUD', 'GitLab'],
  'bitbucket.org': ['BITBUCKET_CLOUD', 'Bitbucket'],
};

const selfHosted: [RegExp, ScmProviderKind, string][] = [
  [/(^|[.-])github([.-]|$)/, 'GITHUB_ENTERPRISE', 'GitHub Enterprise'],
  [/(^|[.-])gitlab([.-]|$)/, 'GITLAB_SELF_MANAGED', 'GitLab Self-Managed'],
  [/(^|[.-])bitbucket([.-]|$)/, 'BITBUCKET_SERVER', 'Bitbucket Server'],
];

/** The host of a clone URL (https://, ssh://, git://, or scp-like git@host:path), else null. */
export function cloneUrlHost(url: string): string | null {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:]+)/i.exec(url);
  if (scheme) return /^file:/i.test(url) ? null : scheme[1]!.toLowerCase();
  const scp = /^[^/@]+@([^:/]+):/.exec(url);
  return scp ? scp[1]!.toLowerCase() : null;
}

export function providerOf(url: string): ScmProvider | null {
  const host = cloneUrlHost(url);
  if (!host) return null;
  const known = cloud[host];
  const guess = known ?? selfHosted.find(([pattern]) => pattern.test(host))?.slice(1);
  if (!guess) return null;
  const [kind, displayName] = guess as [ScmProviderKind, string];
  return { id: providerId(kind, host), kind, displayName, isOnPremise: !known, host };
}

function providerId(kind: string, host: string): string {
  const hex = createHash('sha256').update(`scmProvider\n${kind}\n${host}`).digest('hex');
  // Shaped as a UUID (version nibble 5, RFC 4122 variant), like Apple's ids.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const parts = [hex.slice(0, 8), hex.slice(8, 12), `5${hex.slice(13, 16)}`];
  return [...parts, `${variant}${hex.slice(17, 20)}`, hex.slice(20, 32)].join('-');
}
