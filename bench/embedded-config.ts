/**
 * The configuration the benches that start the embedded host share: a fresh data folder, the
 * default policies with the rate limits out of the way, only the built-in drivers, silent logs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../src/config.js';
import { DEFAULT_POLICIES } from '../src/security/index.js';

/**
 * The default policies with the rate limits raised out of the way: the bench is one user sending
 * thousands of events a second, which the defaults rightly deny. Every policy is still evaluated.
 */
export function benchPolicyFile(dataDir: string): string {
  const policies = DEFAULT_POLICIES.map((policy) =>
    policy.id.startsWith('rate-limit') ? { ...policy, condition: policy.condition.replace(/> \d+$/, '> 1000000000') } : policy,
  );
  const file = join(dataDir, 'bench-policies.json');
  writeFileSync(file, JSON.stringify({ policies }));
  return file;
}

/** The host's configuration over `dataDir`; `settings` add to or override the environment's. */
export function benchHostConfig(dataDir: string, settings: Record<string, string> = {}): Config {
  return loadConfig({
    ...process.env,
    VEXTIR_DATA_DIR: dataDir,
    VEXTIR_POLICY_FILE: benchPolicyFile(dataDir),
    // Only the built-in drivers: never the user's project file.
    VEXTIR_CONFIG: join(dataDir, 'no-project-file.yaml'),
    PORT: '0',
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
    ...settings,
  });
}
