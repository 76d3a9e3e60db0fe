/**
 * The products file: products, their repositories and workflows, which Apple
 * has no API to create. Checked once at start; an error names the JSON path
 * at fault and what was expected there.
 */
import { readFileSync } from 'node:fs';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const Str = Type.String({ minLength: 1 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);
const Enum = (...values: string[]) => Type.Union(values.map((v) => Type.Literal(v)));

const Patterns = Type.Object(
  {
    isAllMatch: Type.Optional(Nullable(Type.Boolean())),
    patterns: Type.Optional(
      Nullable(
        Type.Array(
          Type.Object(
            { pattern: Str, isPrefix: Type.Optional(Nullable(Type.Boolean())) },
            { additionalProperties: false },
          ),
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

const FilesAndFoldersRule = Type.Object(
  {
    mode: Type.Optional(
      Nullable(Enum('START_IF_ANY_FILE_MATCHES', 'DO_NOT_START_IF_ALL_FILES_MATCH')),
    ),
    matchers: Type.Optional(
      Nullable(
        Type.Array(
          Type.Object(
            {
              directory: Type.Optional(Nullable(Type.String())),
              fileExtension: Type.Optional(Nullable(Type.String())),
              fileName: Type.Optional(Nullable(Type.String())),
            },
            { additionalProperties: false },
          ),
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

const RefCondition = (sourceKey: 'source' | 'destination') =>
  Type.Object(
    {
      [sourceKey]: Type.Optional(Nullable(Patterns)),
      ...(sourceKey === 'destination' ? { source: Type.Optional(Nullable(Patterns)) } : {}),
      filesAndFoldersRule: Type.Optional(Nullable(FilesAndFoldersRule)),
      autoCancel: Type.Optional(Nullable(Type.Boolean())),
    },
    { additionalProperties: false },
  );

const ManualCondition = (withDestination: boolean) =>
  Type.Object(
    {
      source: Type.Optional(Nullable(Patterns)),
      ...(withDestination ? { destination: Type.Optional(Nullable(Patterns)) } : {}),
    },
    { additionalProperties: false },
  );

const Schedule = Type.Object(
  {
    source: Type.Optional(Nullable(Patterns)),
    schedule: Type.Optional(
      Nullable(
        Type.Object(
          {
            frequency: Type.Optional(Nullable(Enum('WEEKLY', 'DAILY', 'HOURLY'))),
            days: Type.Optional(
              Nullable(
                Type.Array(
                  Enum(
                    'SUNDAY',
                    'MONDAY',
                    'TUESDAY',
                    'WEDNESDAY',
                    'THURSDAY',
                    'FRIDAY',
                    'SATURDAY',
                  ),
                ),
              ),
            ),
            hour: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 23 }))),
            minute: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 59 }))),
            timezone: Type.Optional(Nullable(Type.String())),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

const TestDestination = Type.Object(
  {
    deviceTypeName: Type.Optional(Nullable(Type.String())),
    deviceTypeIdentifier: Type.Optional(Nullable(Type.String())),
    runtimeName: Type.Optional(Nullable(Type.String())),
    runtimeIdentifier: Type.Optional(Nullable(Type.String())),
    kind: Type.Optional(Nullable(Enum('SIMULATOR', 'MAC'))),
  },
  { additionalProperties: false },
);

const Action = Type.Object(
  {
    name: Str,
    actionType: Enum('ANALYZE', 'BUILD', 'TEST', 'ARCHIVE'),
    destination: Type.Optional(
      Nullable(
        Enum(
          'ANY_IOS_DEVICE',
          'ANY_IOS_SIMULATOR',
          'ANY_TVOS_DEVICE',
          'ANY_TVOS_SIMULATOR',
          'ANY_WATCHOS_DEVICE',
          'ANY_WATCHOS_SIMULATOR',
          'ANY_MAC',
          'ANY_MAC_CATALYST',
          'ANY_VISIONOS_DEVICE',
          'ANY_VISIONOS_SIMULATOR',
        ),
      ),
    ),
    buildDistributionAudience: Type.Optional(Nullable(Enum('INTERNAL_ONLY', 'APP_STORE_ELIGIBLE'))),
    testConfiguration: Type.Optional(
      Nullable(
        Type.Object(
          {
            kind: Type.Optional(Nullable(Enum('USE_SCHEME_SETTINGS', 'SPECIFIC_TEST_PLANS'))),
            testPlanName: Type.Optional(Nullable(Type.String())),
            testDestinations: Type.Optional(Nullable(Type.Array(TestDestination))),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    scheme: Type.Optional(Nullable(Type.String())),
    platform: Type.Optional(Nullable(Enum('MACOS', 'IOS', 'TVOS', 'WATCHOS', 'VISIONOS'))),
    isRequiredToPass: Type.Optional(Nullable(Type.Boolean())),
    command: Type.Optional(Str),
    testReports: Type.Optional(Str),
    timeoutMinutes: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 24 * 60 })),
  },
  { additionalProperties: false },
);

const Workflow = Type.Object(
  {
    name: Str,
    description: Type.Optional(Type.String()),
    isEnabled: Type.Optional(Type.Boolean()),
    clean: Type.Optional(Type.Boolean()),
    containerFilePath: Type.Optional(Nullable(Type.String())),
    branchStartCondition: Type.Optional(Nullable(RefCondition('source'))),
    tagStartCondition: Type.Optional(Nullable(RefCondition('source'))),
    pullRequestStartCondition: Type.Optional(Nullable(RefCondition('destination'))),
    scheduledStartCondition: Type.Optional(Nullable(Schedule)),
    manualBranchStartCondition: Type.Optional(Nullable(ManualCondition(false))),
    manualTagStartCondition: Type.Optional(Nullable(ManualCondition(false))),
    manualPullRequestStartCondition: Type.Optional(Nullable(ManualCondition(true))),
    actions: Type.Array(Action, { minItems: 1 }),
  },
  { additionalProperties: false },
);

const Product = Type.Object(
  {
    name: Str,
    productType: Type.Optional(Enum('APP', 'FRAMEWORK')),
    bundleId: Type.Optional(Nullable(Type.String())),
    /** The App Store Connect app this product builds, for /v1/apps/{id}/ciProduct. */
    appId: Type.Optional(Nullable(Type.String({ pattern: '^[0-9]+$' }))),
    repository: Type.Object({ url: Str }, { additionalProperties: false }),
    workflows: Type.Optional(Type.Array(Workflow)),
  },
  { additionalProperties: false },
);

export const ConfigFileSchema = Type.Object(
  { products: Type.Array(Product) },
  { additionalProperties: false },
);

export type ConfigFile = Static<typeof ConfigFileSchema>;
export type ProductConfig = Static<typeof Product>;
export type WorkflowConfig = Static<typeof Workflow>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Checks a parsed config value; throws ConfigError naming the first bad path. */
export function checkConfig(value: unknown, source = 'config'): ConfigFile {
  if (Value.Check(ConfigFileSchema, value)) return value;
  const errors = [...Value.Errors(ConfigFileSchema, value)];
  // The most specific error is the one deepest in the document.
  const worst = errors
    .filter((e) => e.keyword !== 'boolean')
    .sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  const path = worst?.instancePath || '/';
  const extra =
    worst?.keyword === 'additionalProperties' ? ` (unknown: ${unknownKeys(worst.params)})` : '';
  throw new ConfigError(`${source}: ${path}: ${worst?.message ?? 'is not valid'}${extra}`);
}

export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot be read: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: is not valid JSON: ${(error as Error).message}`);
  }
  return checkConfig(value, path);
}

function unknownKeys(params: unknown): string {
  return ((params as { additionalProperties?: string[] }).additionalProperties ?? []).join(', ');
}
