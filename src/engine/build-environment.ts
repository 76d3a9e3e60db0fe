/**
 * The environment build processes start from: the runner's own, less anything
 * that could hand a build Stratus's secrets (database URLs, keys, tokens). A
 * variable is dropped for its name, or for holding one of the given secret
 * values (the database URL, the runner token) whatever it is called.
 */
const secretName = new RegExp(
  [
    '^STRATUS_',
    'SECRET',
    'TOKEN',
    'PASSW',
    'PRIVATE',
    'CREDENTIAL',
    'DATABASE_URL',
    '^PG',
    'API_KEY',
    '^ASC_',
    '^NODE_TEST',
    'SIGNING',
    '_KEY$',
    '^AWS_',
    '^GITHUB_',
  ].join('|'),
  'i',
);

export function scrubbedEnvironment(
  env: NodeJS.ProcessEnv,
  secretValues: readonly string[] = [],
): Record<string, string> {
  const secrets = secretValues.filter((v) => v.length >= 8);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || secretName.test(name)) continue;
    if (secrets.some((secret) => value.includes(secret))) continue;
    out[name] = value;
  }
  return out;
}
