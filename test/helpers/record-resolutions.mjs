// Module hooks (node:module register) that append every resolved URL to the file named in `data.log`.
// Used to read a program's real module graph as Node loads it.
import { appendFileSync } from 'node:fs';

let log;

export function initialize(data) {
  log = data.log;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, `${result.url}\n`);
  return result;
}
