import { CliError } from './cli-error.js';

/** A JSON command-line value (`--data`, `--usage`, ...), or a usage error naming the option. */
export function parseJsonOption(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${name} is not valid JSON: ${(error as Error).message}`, 2);
  }
}
