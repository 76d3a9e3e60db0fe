/**
 * Table types for Kysely. Booleans are stored as 0/1 and structured values as
 * JSON text so that the same queries run on SQLite and PostgreSQL. Dates are
 * ISO 8601 strings with milliseconds, which sort as they compare.
 */
import type { Generated } from 'kysely';

export interface ApiKeyTable {
  key_id: string;
  issuer_id: string;
  name: string;
  role: string;
  public_key_pem: string;
  created_at: string;
  revoked_at: string | null;
}

export interface ProductTable {
  id: string;
  name: string;
  product_type: string;
  bundle_id: string | null;
  team_id: string;
  created_at: string;
  next_build_number: number;
  /** Runs of the product now (deleted ones no longer count). */
  run_count: number;
  /** Digest of the products-file entry last applied (null: not from the file). */
  config_digest: string | null;
  /** App Store Connect app id the products file names for it, if any. */
  app_id: string | null;
}

export interface RepositoryTable {
  id: string;
  url: string;
  owner_name: string | null;
  repository_name: string;
  http_clone_url: string | null;
  ssh_clone_url: string | null;
  last_accessed_date: string | null;
  default_branch: string | null;
}

export interface ProductRepositoryTable {
  product_id: string;
  repository_id: string;
  kind: 'PRIMARY' | 'ADDITIONAL';
}

export interface GitReferenceTable {
  id: string;
  repository_id: string;
  name: string;
  canonical_name: string;
  kind: 'BRANCH' | 'TAG';
  is_deleted: number;
  commit_sha: string;
  updated_at: string;
}

export interface WorkflowTable {
  id: string;
  /** Runs of the workflow now. */
  run_count: number;
  product_id: string;
  repository_id: string;
  name: string;
  description: string;
  is_enabled: number;
  is_locked_for_editing: number;
  clean: number;
  container_file_path: string | null;
  /** JSON: the seven start-condition attributes, keyed by attribute name. */
  start_conditions: string;
  /** JSON: WorkflowAction[] (CiAction plus command/testReports). */
  actions: string;
  created_at: string;
  last_modified_date: string;
  /** Product and name in the products file; null for workflows created over the API. */
  config_key: string | null;
  /** Digest of the file's entry last applied; the file wins again only when it changes. */
  config_digest: string | null;
  xcode_version_id: string | null;
  macos_version_id: string | null;
}

export interface ConfigTombstoneTable {
  config_key: string;
  config_digest: string;
}

export interface RunnerTable {
  id: string;
  name: string;
  last_seen: string;
  has_xcode: number;
  /** How the runner reaches the runs: 'local' (in the server), 'store' or 'http'. */
  mode: Generated<string>;
  slots: Generated<number>;
}

export interface XcodeVersionTable {
  /** e.g. Xcode16C5032a:stable */
  id: string;
  name: string;
  /** JSON: CiTestDestination-like list, as the contract's ciXcodeVersions shows it. */
  test_destinations: string;
  reported_by: string;
  reported_at: string;
}

export interface MacOsVersionTable {
  /** The build version, e.g. 24C101. */
  id: string;
  name: string;
  reported_by: string;
  reported_at: string;
}

export interface XcodeMacOsVersionTable {
  xcode_version_id: string;
  macos_version_id: string;
}

export interface BuildTable {
  id: string;
  run_id: string;
  action_id: string;
  version: string;
  uploaded_date: string;
  processing_state: string;
  audience: string;
}

export interface BuildRunTable {
  id: string;
  product_id: string;
  workflow_id: string;
  number: number;
  created_date: string;
  started_date: string | null;
  finished_date: string | null;
  source_commit: string | null;
  destination_commit: string | null;
  is_pull_request_build: number;
  issue_counts: string | null;
  execution_progress: 'PENDING' | 'RUNNING' | 'COMPLETE';
  completion_status: string | null;
  start_reason: string;
  cancel_reason: string | null;
  source_ref_id: string | null;
  destination_ref_id: string | null;
  pull_request_id: string | null;
  clean: number;
  /** JSON: the plan inputs fixed at creation (ref name, commit, workflow snapshot). */
  plan: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  attempts: number;
  /** 1 when an action has no command and so needs a runner with xcodebuild. */
  requires_xcode: number;
}

export interface BuildActionTable {
  id: string;
  run_id: string;
  position: number;
  name: string;
  action_type: string;
  started_date: string | null;
  finished_date: string | null;
  issue_counts: string | null;
  execution_progress: 'PENDING' | 'RUNNING' | 'COMPLETE';
  completion_status: string | null;
  is_required_to_pass: number;
  /** JSON: WorkflowAction snapshot taken when the run was created. */
  spec: string;
}

export interface IssueTable {
  id: string;
  action_id: string;
  seq: Generated<number>;
  issue_type: string;
  message: string;
  file_path: string | null;
  line_number: number | null;
  category: string | null;
}

export interface TestResultTable {
  id: string;
  action_id: string;
  seq: Generated<number>;
  class_name: string;
  name: string;
  status: string;
  file_path: string | null;
  line_number: number | null;
  message: string | null;
  destination_results: string;
}

export interface ArtifactTable {
  id: string;
  action_id: string;
  seq: Generated<number>;
  file_type: string;
  file_name: string;
  file_size: number;
  storage_key: string;
}

export interface RunnerTokenTable {
  id: string;
  name: string;
  /** SHA-256 of the token, hex; the token itself is shown once and never stored. */
  token_hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface Database {
  api_keys: ApiKeyTable;
  products: ProductTable;
  repositories: RepositoryTable;
  product_repositories: ProductRepositoryTable;
  git_references: GitReferenceTable;
  workflows: WorkflowTable;
  config_tombstones: ConfigTombstoneTable;
  runners: RunnerTable;
  xcode_versions: XcodeVersionTable;
  macos_versions: MacOsVersionTable;
  xcode_macos_versions: XcodeMacOsVersionTable;
  builds: BuildTable;
  build_runs: BuildRunTable;
  build_actions: BuildActionTable;
  issues: IssueTable;
  test_results: TestResultTable;
  artifacts: ArtifactTable;
  runner_tokens: RunnerTokenTable;
}
