/**
 * JSON Schema validation (Ajv, draft 2020-12) with issues that name the field: tool arguments
 * come from models, which correct themselves best from "path: is required" style messages, and
 * schemas come from people (an agent's `output_schema`) and MCP servers, so any valid schema
 * must work, not only the subset zod could express.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { KernelError } from '../../kernel/index.js';
import type { JsonSchema } from './types.js';

/** More issues than this are summarized: a model needs the first few, not a wall of text. */
const MAX_ISSUES = 20;

export type SchemaCheck = (value: unknown) => string[];

/**
 * One Ajv instance per registry (compiled validators are cached on it). `strict: false`:
 * schemas written for other validators carry keywords Ajv does not know (`examples` variants,
 * vendor extensions); they are ignored rather than refused.
 */
export function createSchemaCompiler(): (schema: JsonSchema, what: string) => SchemaCheck {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  const cache = new WeakMap<object, ValidateFunction>();
  return (schema, what) => {
    let validate = cache.get(schema);
    if (validate === undefined) {
      try {
        validate = ajv.compile(withoutDialect(schema));
      } catch (error) {
        throw new KernelError('invalid_input', `${what} is not a valid JSON Schema: ${(error as Error).message}`, { cause: error });
      }
      cache.set(schema, validate);
    }
    const compiled = validate;
    return (value) => (compiled(value) ? [] : describeErrors(compiled.errors ?? []));
  };
}

/** `$schema` naming draft-07 would make Ajv2020 refuse a schema its keywords mostly share; validated as 2020-12. */
function withoutDialect(schema: JsonSchema): JsonSchema {
  if (!('$schema' in schema)) return schema;
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

export function describeErrors(errors: readonly ErrorObject[]): string[] {
  const issues = [...new Set(errors.map(describeError))];
  if (issues.length <= MAX_ISSUES) return issues;
  return [...issues.slice(0, MAX_ISSUES), `and ${issues.length - MAX_ISSUES} more issues`];
}

function describeError(error: ErrorObject): string {
  const at = fieldOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${join(at, String(params['missingProperty']))}: is required`;
    case 'additionalProperties':
      return `${join(at, String(params['additionalProperty']))}: is not a known field`;
    case 'type':
      return `${at || '(arguments)'}: must be ${article(String(params['type']))}`;
    case 'enum':
      return `${at || '(arguments)'}: must be one of ${(params['allowedValues'] as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
    case 'const':
      return `${at || '(arguments)'}: must be ${JSON.stringify(params['allowedValue'])}`;
    default:
      return `${at || '(arguments)'}: ${error.message ?? 'is invalid'}`;
  }
}

/** `/a/0/b` -> `a.0.b` (JSON pointer unescaped): the way a model names a nested field. */
function fieldOf(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

function join(parent: string, child: string): string {
  return parent === '' ? child : `${parent}.${child}`;
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}
