/**
 * Capability and filter patterns: an exact type (`weather.get`), a prefix (`weather.*`, which
 * matches `weather.get` and `weather.alert.severe` but not `weather`), or `*` for everything.
 */
import { EVENT_TYPE } from './envelope.js';

export function isValidTypePattern(pattern: string): boolean {
  if (pattern === '*') return true;
  const base = pattern.endsWith('.*') ? pattern.slice(0, -2) : pattern;
  return EVENT_TYPE.test(base);
}

export function matchesType(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** A comma-separated filter such as `task.*,plan.*`; an empty filter matches everything. */
export function parseTypeFilter(filter: string | undefined | null): string[] {
  if (!filter) return [];
  return filter.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
}

export function matchesAny(patterns: readonly string[], type: string): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesType(pattern, type));
}
