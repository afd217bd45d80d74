/**
 * Parsing agent definitions: a value (JSON body, project file entry, stored item) or a YAML/JSON
 * document. Every failure is one KernelError `invalid_input` whose `details.errors` lists each
 * issue as `{pointer, reason}` (JSON pointers into the document), so `PUT /api/agents/{id}`
 * answers 400 naming every bad field, and the project file's errors name the entry.
 */
import { parse as parseYaml } from 'yaml';
import { type z } from 'zod';
import { KernelError } from '../../kernel/index.js';
import { createSchemaCompiler, matchesEntry, parseScopeEntry, type SchemaCheck, type ToolDefinition, type ToolRegistry } from '../tools/index.js';
import { agentDefinitionSchema, type AgentDefinition } from './schema.js';

export interface AgentParseOptions {
  /** Check the tool scope against this registry (native tools must exist; `mcp:` patterns may name tools not connected yet). Without it, only the shape is checked (a stored definition read back). */
  tools?: ToolRegistry;
  /** Compiles `output_schema` (default: a compiler of its own); pass one to reuse its cache. */
  compileSchema?: (schema: Readonly<Record<string, unknown>>, what: string) => SchemaCheck;
  /** Where the definition sits in its document, as a JSON pointer (`/driver`, `/agents/2`). */
  pointer?: string;
  /** How messages name it (default "the agent definition"). */
  what?: string;
}

interface Issue {
  pointer: string;
  reason: string;
}

/** A definition from a value; throws KernelError `invalid_input` naming every bad field. */
export function parseAgentDefinition(value: unknown, options: AgentParseOptions = {}): AgentDefinition {
  const prefix = options.pointer ?? '';
  const what = options.what ?? describe(value);
  const parsed = agentDefinitionSchema.safeParse(value, { error: requiredMessage });
  if (!parsed.success) throw invalid(what, parsed.error.issues.flatMap((issue) => toIssues(issue, prefix)));
  const definition = parsed.data;
  const issues: Issue[] = [];
  if (options.tools !== undefined) {
    for (const { index, reason } of options.tools.checkScope(definition.tools)) issues.push({ pointer: `${prefix}/tools/${index}`, reason });
    definition.approval?.tools.forEach((text, index) => {
      const entry = parseScopeEntry(text);
      if (typeof entry === 'string') issues.push({ pointer: `${prefix}/approval/tools/${index}`, reason: entry });
      else if (entry.args !== undefined) issues.push({ pointer: `${prefix}/approval/tools/${index}`, reason: 'approval names tools without arguments' });
    });
    if (definition.output_schema !== undefined) issues.push(...checkOutputSchema(definition.output_schema, options, prefix));
  }
  if (issues.length > 0) throw invalid(what, issues);
  return definition;
}

/**
 * A definition from YAML or JSON text: the definition itself, or the seed's form wrapped in
 * `driver:` (`driver: { id: email_assistant, type: agent, ... }`).
 */
export function parseAgentDocument(text: string, format: 'json' | 'yaml', options: AgentParseOptions = {}): AgentDefinition {
  const { value, pointer } = readAgentDocument(text, format);
  return parseAgentDefinition(value, { ...options, pointer: `${options.pointer ?? ''}${pointer}` });
}

/** The definition's value in a YAML or JSON document, and its pointer there (`/driver` in the seed's form); not yet validated. */
export function readAgentDocument(text: string, format: 'json' | 'yaml'): { value: unknown; pointer: string } {
  let value: unknown;
  try {
    // YAML's alias expansion is capped by the library (maxAliasCount): no billion laughs.
    value = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = `is not valid ${format.toUpperCase()}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
    throw new KernelError('invalid_input', `the agent definition ${reason}`, { cause: error, details: { errors: [{ pointer: '', reason }] } });
  }
  if (isObject(value) && Object.keys(value).length === 1 && isObject(value['driver'])) return { value: value['driver'], pointer: '/driver' };
  return { value, pointer: '' };
}

/** Whether a call of `tool` by this agent waits for a person: the tool says so, or the agent's `approval.tools` names it. */
export function requiresApproval(definition: Pick<AgentDefinition, 'approval'>, tool: ToolDefinition): boolean {
  if (tool.requiresApproval === true) return true;
  return (definition.approval?.tools ?? []).some((text) => {
    const entry = parseScopeEntry(text);
    return typeof entry !== 'string' && matchesEntry(entry, tool);
  });
}

function checkOutputSchema(schema: Readonly<Record<string, unknown>>, options: AgentParseOptions, prefix: string): Issue[] {
  const pointer = `${prefix}/output_schema`;
  if (schema['type'] !== 'object') return [{ pointer, reason: 'must be a JSON Schema with type "object" (model providers take an object at the root)' }];
  try {
    (options.compileSchema ?? createSchemaCompiler())(schema, 'output_schema');
    return [];
  } catch (error) {
    return [{ pointer, reason: (error as Error).message }];
  }
}

function invalid(what: string, issues: readonly Issue[]): KernelError {
  const listed = issues.map((issue) => `${issue.pointer || '(root)'} ${issue.reason}`).join('; ');
  return new KernelError('invalid_input', `${what} is invalid: ${listed}`, { details: { errors: [...issues] } });
}

function toIssues(issue: z.core.$ZodIssue, prefix: string): Issue[] {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ pointer: pointerOf([...issue.path, key], prefix), reason: 'is not a known field' }));
  return [{ pointer: pointerOf(issue.path, prefix), reason: issue.message }];
}

/** "is required" for a missing field, zod's own wording otherwise. */
function requiredMessage(issue: z.core.$ZodRawIssue): string | undefined {
  return (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined ? 'is required' : undefined;
}

function pointerOf(path: readonly PropertyKey[], prefix: string): string {
  return prefix + path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

function describe(value: unknown): string {
  const id = isObject(value) && typeof value['id'] === 'string' ? value['id'].slice(0, 64) : undefined;
  return id === undefined ? 'the agent definition' : `agent "${id}"`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
