/** Builds the process's pino logger from configuration: pretty for people, JSON for machines. */
import pino from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.js';
import type { Logger } from './kernel/index.js';

export function createLogger(log: Config['log'], bindings: Record<string, unknown> = {}): Logger & pino.Logger {
  const options: pino.LoggerOptions = { level: log.level, base: bindings };
  if (log.format === 'json') return pino(options);
  return pino(options, pretty({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', sync: true }));
}
