/**
 * The tool registry: one instance per system (created by createToolRegistry, no module state),
 * with tools that come and go at run time (MCP servers' tools join and leave as servers connect),
 * so it notifies listeners of changes instead of being frozen after start-up.
 */
import { KernelError } from '../../kernel/index.js';
import { createSchemaCompiler, type SchemaCheck } from './json-schema.js';
import { matchesEntry, namesMcpTools, parseScopeEntry, type ScopeEntry } from './scope.js';
import type { ScopeIssue, ToolDefinition, ToolRegistry, ToolValidation } from './types.js';

/** What model providers accept as a function name. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function createToolRegistry(initial: readonly ToolDefinition[] = []): ToolRegistry {
  const tools = new Map<string, ToolDefinition>();
  const listeners = new Set<() => void>();
  const compile = createSchemaCompiler();
  /** Narrowed copies (`emit_event(a.b)`) by entry text, so forScope returns the same objects until a change. */
  let narrowed = new Map<string, ToolDefinition>();
  let snapshot: readonly ToolDefinition[] = Object.freeze([]);

  const changed = () => {
    snapshot = Object.freeze([...tools.values()]);
    narrowed = new Map();
    const failures: unknown[] = [];
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (error) {
        failures.push(error); // the other listeners still hear of the change
      }
    }
    if (failures.length > 0) throw failures[0];
  };

  const checkerOf = (tool: ToolDefinition): SchemaCheck => compile(tool.inputSchema, `the input schema of tool ${tool.name}`);

  const narrow = (entry: ScopeEntry, tool: ToolDefinition): ToolDefinition => {
    if (entry.args === undefined) return tool;
    if (tool.narrow === undefined) throw new KernelError('invalid_input', `${tool.name} takes no arguments in a scope`);
    const key = `${tool.name}(${entry.args.join(',')})`;
    let copy = narrowed.get(key);
    if (copy === undefined) {
      copy = tool.narrow(entry.args);
      checkerOf(copy); // compiled now: a bad narrowed schema is the narrowing tool's bug, found at once
      narrowed.set(key, copy);
    }
    return copy;
  };

  const registry: ToolRegistry = {
    get: (name) => tools.get(name),
    list: () => snapshot,
    forScope(scope) {
      const chosen = new Map<string, ToolDefinition>();
      for (const text of scope) {
        const entry = parseScopeEntry(text);
        if (typeof entry === 'string') continue; // checkScope reports it; a run gets the tools it can
        for (const tool of snapshot) {
          if (chosen.has(tool.name) || !matchesEntry(entry, tool)) continue;
          try {
            chosen.set(tool.name, narrow(entry, tool));
          } catch {
            // arguments the tool refuses: checkScope reports them; the tool is not offered at all
          }
        }
      }
      return [...chosen.values()];
    },
    checkScope(scope) {
      const issues: ScopeIssue[] = [];
      scope.forEach((text, index) => {
        const entry = parseScopeEntry(text);
        if (typeof entry === 'string') return void issues.push({ index, reason: entry });
        if (namesMcpTools(entry)) {
          if (entry.args !== undefined) issues.push({ index, reason: 'MCP tools take no arguments in a scope' });
          return;
        }
        const natives = snapshot.filter((tool) => tool.source === 'native' && matchesEntry(entry, tool));
        if (natives.length === 0) {
          const known = snapshot.filter((tool) => tool.source === 'native').map((tool) => tool.name).join(', ');
          return void issues.push({ index, reason: `"${text}" matches no native tool (native tools: ${known}); name MCP tools as "mcp:<server>/<tool>"` });
        }
        for (const tool of natives) {
          try {
            narrow(entry, tool);
          } catch (error) {
            issues.push({ index, reason: (error as Error).message });
          }
        }
      });
      return issues;
    },
    register(tool) {
      if (!TOOL_NAME.test(tool.name)) throw new KernelError('invalid_input', `"${tool.name}" is not a tool name: 1-64 letters, digits, "_" or "-"`);
      if (tools.has(tool.name)) throw new KernelError('conflict', `a tool named "${tool.name}" is already registered (source ${tools.get(tool.name)?.source})`);
      if (tool.description.trim() === '') throw new KernelError('invalid_input', `tool ${tool.name} needs a description a model can use`);
      if (tool.source.trim() === '') throw new KernelError('invalid_input', `tool ${tool.name} needs a source`);
      if (tool.inputSchema['type'] !== 'object') throw new KernelError('invalid_input', `the input schema of tool ${tool.name} must be a JSON Schema with type "object"`);
      checkerOf(tool);
      tools.set(tool.name, tool);
      changed();
    },
    unregister(name) {
      if (!tools.delete(name)) return false;
      changed();
      return true;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    validate(which, args): ToolValidation {
      const tool = typeof which === 'string' ? tools.get(which) : which;
      if (tool === undefined) return { ok: false, issues: [`there is no tool named "${typeof which === 'string' ? which : which.name}"`] };
      if (typeof args !== 'object' || args === null || Array.isArray(args)) return { ok: false, issues: ['(arguments): must be a JSON object'] };
      const issues = checkerOf(tool)(args);
      const value = args as Record<string, unknown>;
      if (issues.length === 0 && tool.check) issues.push(...tool.check(value));
      return issues.length === 0 ? { ok: true, value } : { ok: false, issues };
    },
  };
  for (const tool of initial) registry.register(tool);
  return Object.freeze(registry);
}
