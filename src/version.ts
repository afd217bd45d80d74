/** The package version, reported by /api/health and `vextir --version`. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function findVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'vextir-os' && pkg.version) return pkg.version;
    } catch {
      // not at this depth: src/ when run from source, dist/src/ when compiled
    }
  }
  return '0.0.0';
}

export const VERSION = findVersion();
