/** A local file as a Context Hub document: its content type from the extension, JSON files parsed. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { CliError } from './cli-error.js';
import { parseJsonOption } from './json-option.js';

const FILE_TYPES: Readonly<Record<string, string>> = { '.json': 'application/json', '.md': 'text/markdown', '.markdown': 'text/markdown', '.html': 'text/html', '.csv': 'text/csv', '.yaml': 'text/yaml', '.yml': 'text/yaml' };

/** `contentType` overrides the extension's (text/plain when the extension is not known). */
export function fileDocument(file: string, contentType?: string): { content: unknown; contentType: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, 2);
  }
  const type = contentType ?? FILE_TYPES[extname(file).toLowerCase()] ?? 'text/plain';
  return /json$/.test(type) ? { content: parseJsonOption(file, text), contentType: type } : { content: text, contentType: type };
}
