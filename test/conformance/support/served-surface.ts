/**
 * A real Stratus with finished builds behind it, and what a client can reach
 * from its collections: every resource id by type, and how many items each
 * to-many relationship holds. Conformance tests pick their ids from here, so a
 * type that gains records (or loses them) is noticed without editing a list.
 */
import { fileURLToPath } from 'node:url';
import { reportMacRunner } from './mac-toolchain.ts';
import { startBody, startHarness, type Harness } from '../../support/harness.ts';
import { contractOperations, operationFor } from './contract-operations.ts';

type Json = any;

export interface Surface {
  h: Harness;
  base: string;
  ids: Map<string, string[]>;
  /** `${type}:${id}:${relationship}` → number of related items. */
  relatedCounts: Map<string, number>;
  /** Every 2xx document received while building the surface. */
  documents: Json[];
  workflowId: string;
  runIds: string[];
}

/**
 * Workflows beside the sample's CI (which fails a test): Quick, whose required actions
 * pass and leave an archive, a result bundle, test products and a JUnit report with
 * skipped and expected failures; Broken, whose action has no toolchain on this machine
 * (no Xcode) and so ends ERRORED; Catalog, disabled and never run, declaring the
 * settings a workflow can hold so that reading it shows each of them.
 */
function addWorkflows(config: Json, junitPath: string): void {
  const ci = config.products[0].workflows[0];
  const action = (name: string, actionType: string, command?: string, extra: Json = {}) => ({
    name,
    actionType,
    platform: 'MACOS',
    destination: 'ANY_MAC',
    scheme: 'Greeter',
    isRequiredToPass: true,
    ...(command === undefined ? {} : { command }),
    ...extra,
  });
  const analyzerLine =
    "src/greeting.c:6:3: warning: Value stored to 'n' is never read [deadcode.DeadStores]";
  const workflows = config.products[0].workflows;
  workflows.push({
    ...ci,
    name: 'Quick',
    description: 'Actions that pass',
    actions: [
      action('Analyze', 'ANALYZE', `echo "${analyzerLine}"`),
      action(
        'Archive',
        'ARCHIVE',
        'mkdir -p "$CI_ARCHIVE_PATH" && touch "$CI_ARCHIVE_PATH/Info.plist"',
      ),
      action(
        'Test',
        'TEST',
        'mkdir -p "$CI_RESULT_BUNDLE_PATH" "$CI_TEST_PRODUCTS_PATH" build && ' +
          'touch "$CI_RESULT_BUNDLE_PATH/Info.plist" "$CI_TEST_PRODUCTS_PATH/Greeter.xctestrun" && ' +
          `cp '${junitPath}' build/junit.xml`,
        { testReports: 'build/junit.xml', isRequiredToPass: false },
      ),
    ],
  });
  workflows.push({
    ...ci,
    name: 'Broken',
    description: 'No toolchain',
    actions: [action('Build', 'BUILD')],
  });
  const patterns = { isAllMatch: false, patterns: [{ pattern: 'release/', isPrefix: true }] };
  const files = (mode: string) => ({
    mode,
    matchers: [{ directory: 'src', fileExtension: 'c', fileName: 'main.c' }],
  });
  const destinations: [string, string][] = [
    ['IOS', 'ANY_IOS_DEVICE'],
    ['IOS', 'ANY_IOS_SIMULATOR'],
    ['TVOS', 'ANY_TVOS_DEVICE'],
    ['TVOS', 'ANY_TVOS_SIMULATOR'],
    ['WATCHOS', 'ANY_WATCHOS_DEVICE'],
    ['WATCHOS', 'ANY_WATCHOS_SIMULATOR'],
    ['MACOS', 'ANY_MAC_CATALYST'],
    ['VISIONOS', 'ANY_VISIONOS_DEVICE'],
    ['VISIONOS', 'ANY_VISIONOS_SIMULATOR'],
  ];
  workflows.push({
    ...ci,
    name: 'Catalog',
    description: 'Every setting, never run',
    isEnabled: false,
    branchStartCondition: {
      source: patterns,
      filesAndFoldersRule: files('START_IF_ANY_FILE_MATCHES'),
      autoCancel: true,
    },
    tagStartCondition: {
      source: patterns,
      filesAndFoldersRule: files('DO_NOT_START_IF_ALL_FILES_MATCH'),
      autoCancel: false,
    },
    pullRequestStartCondition: {
      source: patterns,
      destination: patterns,
      filesAndFoldersRule: files('START_IF_ANY_FILE_MATCHES'),
      autoCancel: true,
    },
    actions: [
      ...destinations.map(([platform, destination], i) =>
        action(`Archive ${i}`, 'ARCHIVE', 'true', {
          platform,
          destination,
          buildDistributionAudience: i % 2 === 0 ? 'INTERNAL_ONLY' : 'APP_STORE_ELIGIBLE',
        }),
      ),
      action('Plans', 'TEST', 'true', {
        platform: 'IOS',
        destination: 'ANY_IOS_SIMULATOR',
        testConfiguration: {
          kind: 'SPECIFIC_TEST_PLANS',
          testPlanName: 'Smoke',
          testDestinations: [
            {
              deviceTypeName: 'iPhone 16',
              deviceTypeIdentifier: 'com.apple.CoreSimulator.SimDeviceType.iPhone-16',
              runtimeName: 'iOS 18.2',
              runtimeIdentifier: 'com.apple.CoreSimulator.SimRuntime.iOS-18-2',
              kind: 'SIMULATOR',
            },
            {
              deviceTypeName: 'Mac',
              deviceTypeIdentifier: 'mac',
              runtimeName: 'macOS 15',
              runtimeIdentifier: 'macos',
              kind: 'MAC',
            },
          ],
        },
      }),
      action('Scheme', 'TEST', 'true', {
        testConfiguration: {
          kind: 'USE_SCHEME_SETTINGS',
          testPlanName: null,
          testDestinations: [],
        },
      }),
    ],
  });
  // The other mode on each condition, so that both are shown.
  const swapped = workflows[workflows.length - 1];
  workflows.push({
    ...swapped,
    name: 'Catalog swapped',
    branchStartCondition: {
      ...swapped.branchStartCondition,
      filesAndFoldersRule: files('DO_NOT_START_IF_ALL_FILES_MATCH'),
    },
    tagStartCondition: {
      ...swapped.tagStartCondition,
      filesAndFoldersRule: files('START_IF_ANY_FILE_MATCHES'),
    },
    pullRequestStartCondition: {
      ...swapped.pullRequestStartCondition,
      filesAndFoldersRule: files('DO_NOT_START_IF_ALL_FILES_MATCH'),
    },
  });
  // A framework product on the same repository, with one disabled workflow.
  config.products.push({
    ...config.products[0],
    name: 'GreeterKit',
    productType: 'FRAMEWORK',
    bundleId: 'com.example.greeterkit',
    workflows: [{ ...ci, name: 'Kit', isEnabled: false }],
  });
  for (const [frequency, days] of [
    ['WEEKLY', ['SUNDAY', 'MONDAY', 'TUESDAY']],
    ['DAILY', ['WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY']],
    ['HOURLY', []],
  ] as const) {
    workflows.push({
      ...ci,
      name: `Scheduled ${frequency}`,
      isEnabled: false,
      scheduledStartCondition: {
        source: patterns,
        schedule: { frequency, days, hour: 3, minute: 30, timezone: 'Europe/Paris' },
      },
    });
  }
}

export async function startSurface(): Promise<Surface> {
  const junitPath = fileURLToPath(
    new URL('../../fixtures/parsers/junit-pytest.xml', import.meta.url),
  );
  const h = await startHarness({
    runners: 1,
    editConfig: (c) => addWorkflows(c, junitPath),
    // Thousands of requests in one test: more than the default hourly budget.
    flags: { 'rate-limit': '1000000' },
  });
  const documents: Json[] = [];
  await reportMacRunner(h);
  const ci = await workflowNamed(h, 'CI');
  const repository = (await h.api.get(`/v1/ciWorkflows/${ci}/repository`)).data;
  const refs = await h.api.all(`/v1/scmRepositories/${repository.id}/gitReferences?limit=200`);
  const ref = (name: string) => refs.find((r) => r.attributes.canonicalName === name).id;
  const main = ref('refs/heads/main');

  const start = async (body: Json) => {
    const r = await h.api.request('POST', '/v1/ciBuildRuns', body);
    if (r.status !== 201) throw new Error(`start answered ${r.status}: ${JSON.stringify(r.json)}`);
    documents.push(r.json);
    return r.json.data.id as string;
  };
  const first = await start(startBody(ci, main));
  const second = await start(startBody(await workflowNamed(h, 'Quick'), ref('refs/tags/v1.0')));
  const rebuild = await start(
    startBody(ci, undefined, {
      buildRun: { data: { type: 'ciBuildRuns', id: first } },
    }),
  );
  const runIds = [first, second, rebuild];
  for (const id of runIds) await waitWatching(h, id, documents);

  return crawlSurface(h, { documents, workflowId: ci, runIds });
}

/** What a client reaches from the collections of a running server. */
export async function crawlSurface(
  h: Harness,
  known: Pick<Surface, 'documents' | 'workflowId' | 'runIds'>,
): Promise<Surface> {
  const surface: Surface = {
    h,
    base: h.stratus.url,
    ids: new Map(),
    relatedCounts: new Map(),
    ...known,
  };
  await crawl(surface);
  return surface;
}

async function workflowNamed(h: Harness, name: string): Promise<string> {
  for (const product of await h.api.all('/v1/ciProducts')) {
    const workflows = await h.api.all(`/v1/ciProducts/${product.id}/workflows`);
    const found = workflows.find((w) => w.attributes.name === name);
    if (found) return found.id;
  }
  throw new Error(`no workflow named ${name}`);
}

/** Polls until COMPLETE, keeping each document, so that PENDING and RUNNING are seen too. */
async function waitWatching(h: Harness, runId: string, documents: Json[]): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    const doc = await h.api.get(`/v1/ciBuildRuns/${runId}`);
    documents.push(doc, await h.api.get(`/v1/ciBuildRuns/${runId}/actions`));
    if (doc.data.attributes.executionProgress === 'COMPLETE') return;
    if (Date.now() > until) throw new Error(`run ${runId} did not complete`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function withMaxLimit(path: string): string {
  const op = operationFor('GET', path);
  const limit = op?.parameters.find((p) => p.name === 'limit');
  return limit?.maximum ? `${path}?limit=${limit.maximum}` : path;
}

async function crawl(s: Surface): Promise<void> {
  const queue = contractOperations
    .filter((op) => op.method === 'GET' && !op.hasId)
    .map((op) => withMaxLimit(op.path));
  const seen = new Set<string>();
  const add = (type: string, id: string) => {
    const list = s.ids.get(type) ?? [];
    if (!list.includes(id)) list.push(id);
    s.ids.set(type, list);
  };

  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    seen.add(url);
    const r = await s.h.api.request('GET', url);
    if (r.status !== 200) continue;
    s.documents.push(r.json);

    const related = /^\/v1\/(\w+)\/([^/]+)\/(\w+)(\?|$)/.exec(url.replace(s.base, ''));
    if (related && Array.isArray(r.json.data)) {
      const key = `${related[1]}:${decodeURIComponent(related[2]!)}:${related[3]}`;
      s.relatedCounts.set(key, (s.relatedCounts.get(key) ?? 0) + r.json.data.length);
    }
    if (r.json.links?.next) queue.push(r.json.links.next.replace(s.base, ''));

    const resources = [r.json.data, r.json.included ?? []].flat().filter(Boolean);
    for (const resource of resources) {
      if (!resource.links) continue;
      add(resource.type, resource.id);
      for (const rel of Object.values<Json>(resource.relationships ?? {})) {
        const target = rel.links?.related?.replace(s.base, '');
        if (target && operationFor('GET', target)) queue.push(withMaxLimit(target));
      }
    }
  }
}

/** The id of `type` with the most items behind `relationship` (or the first id). */
export function richestId(s: Surface, type: string, relationship: string | null): string | null {
  const ids = s.ids.get(type) ?? [];
  if (ids.length === 0) return null;
  if (!relationship) return ids[0]!;
  const count = (id: string) => s.relatedCounts.get(`${type}:${id}:${relationship}`) ?? 0;
  return [...ids].sort((a, b) => count(b) - count(a))[0]!;
}
