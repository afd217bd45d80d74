import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { CliError } from './cli-error.js';

/**
 * A YAML or JSON document to send as is (the server parses and validates it, and names what is
 * wrong): the content type from the extension (.json, .yaml, .yml), else JSON when it parses
 * as JSON and YAML otherwise (YAML is a superset, so that is what the server will say is wrong).
 */
export function readDocumentFile(file: string): { text: string; contentType: 'application/json' | 'application/yaml' } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, 2);
  }
  const extension = extname(file).toLowerCase();
  const json = extension === '.json' || (extension !== '.yaml' && extension !== '.yml' && parsesAsJson(text));
  return { text, contentType: json ? 'application/json' : 'application/yaml' };
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
