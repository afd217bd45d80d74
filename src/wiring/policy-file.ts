import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parsePolicyDocument, type Policy } from '../security/index.js';

/** The policy document named by VEXTIR_POLICY_FILE (YAML unless it ends in .json), if any. */
export function loadPolicyFile(file: string | undefined): Policy[] | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`VEXTIR_POLICY_FILE: cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parsePolicyDocument(text, extname(file).toLowerCase() === '.json' ? 'json' : 'yaml');
}
