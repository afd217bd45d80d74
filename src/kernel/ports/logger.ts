/**
 * The logger port: the subset of pino the kernel uses, so a pino instance satisfies it and
 * tests can pass a silent one. Structured fields first, message second (pino's convention).
 */
export interface LogFn {
  (fields: Record<string, unknown>, message: string): void;
  (message: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}
