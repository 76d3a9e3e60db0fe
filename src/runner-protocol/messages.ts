/**
 * The bodies of the runner protocol, declared once and checked on the server.
 * Every path is under /runner/v1 and every request carries a runner token:
 *
 *   POST /runner/v1/hello                      –                  → { leaseSeconds }
 *   POST /runner/v1/report                     RunnerReport       → { leaseSeconds }
 *   POST /runner/v1/claim                      RunnerReport       → ClaimedRun | 204
 *   POST /runner/v1/runs/:run/heartbeat        –                  → { held }
 *   POST /runner/v1/runs/:run/events           { events: Event[] } → { actionCounts }
 *   PUT  /runner/v1/runs/:run/actions/:action/artifacts?fileType&fileName&key  (bytes) → 204
 *   POST /runner/v1/runs/:run/complete         Completion         → 204
 *
 * A run-scoped request is refused (409 STATE_ERROR) unless the caller holds
 * the run's lease, exactly as a runner on the store would be.
 */
import { Type, type Static } from 'typebox';

const Named = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
});

/** What detectToolchain found on the runner: ciXcodeVersions and ciMacOsVersions show it. */
const Toolchain = Type.Object({
  xcode: Type.Union([
    Type.Object({
      id: Type.String({ minLength: 1, maxLength: 200 }),
      name: Type.String({ minLength: 1, maxLength: 200 }),
      testDestinations: Type.Array(
        Type.Object({
          deviceTypeName: Type.String(),
          deviceTypeIdentifier: Type.String(),
          availableRuntimes: Type.Array(
            Type.Object({ runtimeName: Type.String(), runtimeIdentifier: Type.String() }),
          ),
          kind: Type.Union([Type.Literal('SIMULATOR'), Type.Literal('MAC')]),
        }),
        { maxItems: 1000 },
      ),
    }),
    Type.Null(),
  ]),
  macOs: Type.Union([Named, Type.Null()]),
});

export const RunnerReportBody = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\w.:-]+$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    slots: Type.Integer({ minimum: 1, maximum: 64 }),
    toolchain: Toolchain,
  },
  { additionalProperties: false },
);
export type RunnerReportBody = Static<typeof RunnerReportBody>;

const Counts = Type.Object({
  analyzerWarnings: Type.Integer({ minimum: 0 }),
  errors: Type.Integer({ minimum: 0 }),
  testFailures: Type.Integer({ minimum: 0 }),
  warnings: Type.Integer({ minimum: 0 }),
});

const FileSource = Type.Union([
  Type.Object({ path: Type.String(), lineNumber: Type.Union([Type.Integer(), Type.Null()]) }),
  Type.Null(),
]);

const Issue = Type.Object({
  issueType: Type.Union([
    Type.Literal('ANALYZER_WARNING'),
    Type.Literal('ERROR'),
    Type.Literal('TEST_FAILURE'),
    Type.Literal('WARNING'),
  ]),
  message: Type.String(),
  fileSource: FileSource,
  category: Type.Union([Type.String(), Type.Null()]),
});

const TestStatus = Type.Union([
  Type.Literal('SUCCESS'),
  Type.Literal('FAILURE'),
  Type.Literal('MIXED'),
  Type.Literal('SKIPPED'),
  Type.Literal('EXPECTED_FAILURE'),
]);

const TestResult = Type.Object({
  className: Type.String(),
  name: Type.String(),
  status: TestStatus,
  fileSource: FileSource,
  message: Type.Union([Type.String(), Type.Null()]),
  destinationTestResults: Type.Array(
    Type.Object({
      uuid: Type.String(),
      deviceName: Type.String(),
      osVersion: Type.String(),
      status: TestStatus,
      duration: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});

const CompletionStatus = Type.Union([
  Type.Literal('SUCCEEDED'),
  Type.Literal('FAILED'),
  Type.Literal('ERRORED'),
  Type.Literal('CANCELED'),
  Type.Literal('SKIPPED'),
]);

export const RunEvent = Type.Union([
  Type.Object({ type: Type.Literal('runStarted') }),
  Type.Object({ type: Type.Literal('actionStarted'), actionId: Type.String() }),
  Type.Object({
    type: Type.Literal('records'),
    actionId: Type.String(),
    issues: Type.Array(Issue, { maxItems: 1000 }),
    testResults: Type.Array(TestResult, { maxItems: 1000 }),
  }),
  Type.Object({
    type: Type.Literal('log'),
    position: Type.Integer({ minimum: 0 }),
    text: Type.String({ maxLength: 1024 * 1024 }),
  }),
  Type.Object({ type: Type.Literal('runCounts'), counts: Counts }),
  Type.Object({
    type: Type.Literal('actionFinished'),
    actionId: Type.String(),
    status: CompletionStatus,
  }),
]);
export type RunEvent = Static<typeof RunEvent>;

export const EventsBody = Type.Object(
  { events: Type.Array(RunEvent, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
export type EventsBody = Static<typeof EventsBody>;

export const CompletionBody = Type.Union([
  Type.Object(
    { status: CompletionStatus, counts: Type.Union([Counts, Type.Null()]) },
    { additionalProperties: false },
  ),
  Type.Object(
    { status: Type.Literal('ERRORED'), reason: Type.String({ minLength: 1, maxLength: 2000 }) },
    { additionalProperties: false },
  ),
]);
export type CompletionBody = Static<typeof CompletionBody>;

/** Request body limit for JSON messages; artifacts are streamed and not held by this. */
export const MESSAGE_LIMIT_BYTES = 4 * 1024 * 1024;
