/**
 * What the scanner accepts. A payload it cannot scan completely must not pass unscanned, so
 * anything over a limit, or of a type it cannot read, is refused with `invalid_input` before any
 * scanning starts (callers deny the event: fail closed).
 */
import { KernelError } from '../../kernel/index.js';

export const PII_SCAN_LIMITS = {
  /** Arrays/objects nested in each other (the root container is level 1). */
  maxDepth: 64,
  /** UTF-8 bytes of all strings together, object keys included. */
  maxTextBytes: 1024 * 1024,
  /** Values in total; bounds the work on a value that shares sub-objects (a JSON text cannot). */
  maxNodes: 1_000_000,
} as const;

function refuse(message: string, limit: string): never {
  throw new KernelError('invalid_input', `cannot scan for personal data: ${message}`, { details: { limit } });
}

/** A plain JSON-like object: created by a literal, JSON.parse or Object.create(null). */
export function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Throws KernelError('invalid_input') unless the whole of `value` can be scanned. */
export function assertScannable(value: unknown): void {
  // UTF-8 takes at most 3 bytes per UTF-16 unit, so counting 3 per unit never lets too much
  // through; only a value over the limit by that estimate is counted again exactly.
  if (!checkScannable(value, false)) checkScannable(value, true);
}

/** False when, counting text by the estimate, it went over the limit (and should be counted exactly). */
function checkScannable(value: unknown, exact: boolean): boolean {
  let bytes = 0;
  let nodes = 0;
  let overEstimate = false;
  const visit = (node: unknown, depth: number): void => {
    if (overEstimate) return;
    nodes += 1;
    if (nodes > PII_SCAN_LIMITS.maxNodes) refuse(`more than ${PII_SCAN_LIMITS.maxNodes} values`, 'nodes');
    switch (typeof node) {
      case 'string':
        bytes += exact ? Buffer.byteLength(node, 'utf8') : 3 * node.length;
        if (bytes <= PII_SCAN_LIMITS.maxTextBytes) return;
        if (exact) refuse(`more than ${PII_SCAN_LIMITS.maxTextBytes} bytes of text`, 'text_bytes');
        overEstimate = true;
        return;
      case 'number':
      case 'bigint':
      case 'boolean':
      case 'undefined':
        return;
      case 'object':
        break;
      default:
        refuse(`a value of type ${typeof node}`, 'type');
    }
    if (node === null) return;
    if (depth >= PII_SCAN_LIMITS.maxDepth) refuse(`nested deeper than ${PII_SCAN_LIMITS.maxDepth} levels`, 'depth');
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index += 1) visit(node[index], depth + 1);
      return;
    }
    if (!isPlainObject(node)) refuse(`an object of class ${node.constructor?.name ?? 'unknown'}`, 'type');
    for (const key of Object.keys(node)) {
      visit(key, depth + 1);
      visit(node[key], depth + 1);
    }
  };
  visit(value, 0);
  return !overEstimate;
}
