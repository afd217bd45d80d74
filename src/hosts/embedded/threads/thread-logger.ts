/**
 * The Logger a processor thread's kernel and drivers get: each record goes to the HTTP thread,
 * which writes it through the host's injected logger (so tests' silent loggers and the host's
 * format hold for every thread), with the thread's bindings. Records below the configured level
 * are dropped here, before they cost a message.
 */
import type { Logger, LogFn } from '../../../kernel/index.js';
import type { FromThread, LogLevel } from './protocol.js';

const RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

export function portLogger(post: (message: FromThread) => void, level: string, bindings: Record<string, unknown> = {}): Logger {
  const threshold = RANK[level] ?? RANK['info']!;
  const at = (name: LogLevel): LogFn =>
    (fieldsOrMessage: Record<string, unknown> | string, message?: string): void => {
      if (RANK[name]! < threshold) return;
      const fields = typeof fieldsOrMessage === 'string' ? undefined : cloneable(fieldsOrMessage);
      const text = typeof fieldsOrMessage === 'string' ? fieldsOrMessage : (message ?? '');
      try {
        post({ kind: 'log', level: name, bindings, fields, message: text });
      } catch {
        // Something in the fields cannot be copied to another thread: send what can be said of it.
        post({ kind: 'log', level: name, bindings, fields: { fields: String(JSON.stringify(fields, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))) }, message: text });
      }
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => portLogger(post, level, { ...bindings, ...more }),
  };
}

/**
 * Errors become plain objects that keep what a log reader needs (a structured clone of an Error
 * keeps its message and stack but drops properties such as a KernelError's `code`).
 */
function cloneable(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = value instanceof Error ? plainError(value) : value;
  return out;
}

function plainError(error: Error): Record<string, unknown> {
  const own = error as Error & { code?: unknown; retryable?: unknown; cause?: unknown };
  return {
    type: error.name,
    message: error.message,
    stack: error.stack,
    ...(own.code !== undefined && { code: own.code }),
    ...(own.retryable !== undefined && { retryable: own.retryable }),
    ...(own.cause instanceof Error && { cause: plainError(own.cause) }),
  };
}
