/**
 * Reading a UI application from a value or a YAML/JSON document. Every failure is one KernelError
 * `invalid_input` whose `details.errors` lists `{pointer, reason}` (`/components/2/type`), so
 * POST /api/ui-apps answers 400 naming every bad field.
 */
import { parse as parseYaml } from 'yaml';
import { KernelError } from '../kernel/index.js';
import { builtInApplicationSchema, describeIssue, uiApplicationSchema, type UiApplication } from './schema.js';

export interface UiIssue {
  pointer: string;
  reason: string;
}

export interface ParseOptions {
  /** A built-in application (the system dashboard), which may have the reserved id and path. */
  builtIn?: boolean;
}

export function parseUiApplication(value: unknown, options: ParseOptions = {}): UiApplication {
  const schema = options.builtIn === true ? builtInApplicationSchema : uiApplicationSchema;
  const parsed = schema.safeParse(value, { error: describeIssue });
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.flatMap((issue): UiIssue[] =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ pointer: pointer([...issue.path, key]), reason: 'is not a field of this format' })) : [{ pointer: pointer(issue.path), reason: issue.message }],
  );
  const listed = issues.map((issue) => `${issue.pointer || '(root)'} ${issue.reason}`).join('; ');
  throw new KernelError('invalid_input', `the UI application is invalid: ${listed}`, { details: { errors: issues } });
}

export function readUiApplicationDocument(text: string, format: 'json' | 'yaml', options: ParseOptions = {}): UiApplication {
  let value: unknown;
  try {
    // YAML's alias expansion is capped (maxAliasCount): no billion laughs.
    value = format === 'json' ? (JSON.parse(text) as unknown) : (parseYaml(text, { maxAliasCount: 100 }) as unknown);
  } catch (error) {
    const reason = `is not valid ${format.toUpperCase()}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
    throw new KernelError('invalid_input', `the UI application ${reason}`, { cause: error, details: { errors: [{ pointer: '', reason }] } });
  }
  return parseUiApplication(value, options);
}

function pointer(path: readonly PropertyKey[]): string {
  return path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}
