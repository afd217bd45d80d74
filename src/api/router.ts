/**
 * A tiny route table: method + path pattern (`/api/events/:id`) -> handler. Enough for a
 * dozen routes; telling "no such path" (404) from "no such method on this path" (405) is the
 * only thing it does beyond matching.
 */

export interface Route<H> {
  method: string;
  /**
   * Literal segments and `:name` parameters, each matching one non-empty path segment; a last
   * segment `*name` matches the rest of the path (one or more segments), decoded segment by
   * segment and joined with "/" (`/api/context/*path` gives `path` = `Projects/Alpha`).
   */
  path: string;
  handler: H;
}

export type RouteMatch<H> =
  | { kind: 'found'; handler: H; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allow: string[] }
  | { kind: 'not_found' };

export interface Router<H> {
  match(method: string, pathname: string): RouteMatch<H>;
}

export function createRouter<H>(routes: readonly Route<H>[]): Router<H> {
  const compiled = routes.map((route) => ({ ...route, method: route.method.toUpperCase(), segments: split(route.path) }));
  return {
    match(method, pathname) {
      const segments = split(pathname);
      const allow: string[] = [];
      for (const route of compiled) {
        const params = matchSegments(route.segments, segments);
        if (params === undefined) continue;
        if (route.method === method.toUpperCase()) return { kind: 'found', handler: route.handler, params };
        allow.push(route.method);
      }
      return allow.length > 0 ? { kind: 'method_not_allowed', allow } : { kind: 'not_found' };
    },
  };
}

/** A trailing slash is ignored: `/api/events/` is `/api/events`. */
function split(path: string): string[] {
  return path.split('/').filter((segment, index, all) => index > 0 && !(segment === '' && index === all.length - 1));
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  const rest = pattern.at(-1)?.startsWith('*') === true;
  if (rest ? actual.length < pattern.length : pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, expected] of pattern.entries()) {
    const segment = actual[index] ?? '';
    if (rest && index === pattern.length - 1) {
      // Empty inner segments are kept ("A//B"): the handler's own validation names them.
      const decoded = actual.slice(index).map(decodeSegment);
      if (decoded.some((part) => part === undefined)) return undefined;
      params[expected.slice(1)] = decoded.join('/');
    } else if (expected.startsWith(':')) {
      const value = decodeSegment(segment);
      if (value === undefined || value === '') return undefined;
      params[expected.slice(1)] = value;
    } else if (expected !== segment) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
