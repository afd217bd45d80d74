/**
 * A policy document: YAML or JSON, either `{ policies: [...] }` or a bare array. Every failure
 * is a KernelError `invalid_input` whose message names the policy (index and id) and the field,
 * and whose `details.errors` lists every issue as `{ pointer, reason }` (JSON pointers into the
 * document), so `PUT /api/policies` can answer 400 with something a person can act on.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KernelError } from '../../kernel/index.js';
import { policySchema, type Policy } from './schema.js';

export type PolicyDocumentFormat = 'json' | 'yaml';

export interface PolicyIssue {
  pointer: string;
  reason: string;
}

const documentSchema = z.union([z.array(z.unknown()), z.strictObject({ policies: z.array(z.unknown()) })]);

/** Parses and validates a document; ids must be unique within it. */
export function parsePolicyDocument(text: string, format: PolicyDocumentFormat): Policy[] {
  const value = parseText(text, format);
  const shape = documentSchema.safeParse(value);
  if (!shape.success) {
    throw new KernelError('invalid_input', 'a policy document must be a list of policies or an object { policies: [...] }', {
      details: { errors: [{ pointer: '', reason: 'must be an array or { policies: [...] }' }] },
    });
  }
  const prefix = Array.isArray(shape.data) ? '' : '/policies';
  const items = Array.isArray(shape.data) ? shape.data : shape.data.policies;
  return validatePolicies(items, prefix);
}

/** Validates already-parsed policies (e.g. a JSON body); `prefix` is the pointer to the array. */
export function validatePolicies(items: readonly unknown[], prefix = ''): Policy[] {
  const policies: Policy[] = [];
  const seen = new Map<string, number>();
  for (const [index, item] of items.entries()) {
    const parsed = policySchema.safeParse(item);
    const label = describePolicy(index, item);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => toIssue(issue, `${prefix}/${index}`));
      const listed = parsed.error.issues.map((issue) => `${fieldName(issue)}: ${issue.message}`);
      throw new KernelError('invalid_input', `${label} is invalid: ${listed.join('; ')}`, { details: { index, ...idOf(item), errors } });
    }
    const previous = seen.get(parsed.data.id);
    if (previous !== undefined) {
      throw new KernelError('invalid_input', `${label}: id "${parsed.data.id}" is already used by policies[${previous}]`, {
        details: { index, id: parsed.data.id, errors: [{ pointer: `${prefix}/${index}/id`, reason: `duplicates policies[${previous}]` }] },
      });
    }
    seen.set(parsed.data.id, index);
    policies.push(parsed.data);
  }
  return policies;
}

function parseText(text: string, format: PolicyDocumentFormat): unknown {
  try {
    // YAML's alias expansion is capped by the library (maxAliasCount), so a billion-laughs
    // document fails here instead of exhausting memory.
    return format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new KernelError('invalid_input', `the policy document is not valid ${format.toUpperCase()}: ${message}`, {
      cause: error,
      details: { errors: [{ pointer: '', reason: `is not valid ${format.toUpperCase()}` }] },
    });
  }
}

function describePolicy(index: number, item: unknown): string {
  const { id } = idOf(item);
  return id === undefined ? `policies[${index}]` : `policies[${index}] (id "${id}")`;
}

function idOf(item: unknown): { id?: string } {
  if (typeof item !== 'object' || item === null || !('id' in item)) return {};
  const id: unknown = item.id;
  return typeof id === 'string' ? { id: id.slice(0, 64) } : {};
}

function fieldName(issue: z.core.$ZodIssue): string {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys] : issue.path;
  return path.length === 0 ? '(policy)' : path.map(String).join('.');
}

function toIssue(issue: z.core.$ZodIssue, prefix: string): PolicyIssue {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys] : issue.path;
  const pointer = prefix + path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
  return { pointer, reason: issue.message };
}
