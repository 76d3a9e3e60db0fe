/**
 * The environment build processes start from: the server's own, less anything
 * that could hand a build Stratus's secrets (database URLs, keys, tokens).
 */
const secretName =
  /(^STRATUS_|SECRET|TOKEN|PASSW|PRIVATE|CREDENTIAL|DATABASE_URL|^PG|API_KEY|^ASC_|^NODE_TEST)/i;

export function scrubbedEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !secretName.test(name)) out[name] = value;
  }
  return out;
}
