/**
 * Tool scope entries: which tools an agent may call. One entry is
 *
 *   selector [ "(" argument { "," argument } ")" ]
 *   selector := name-glob | source-glob "/" name-glob
 *
 * - `context_read`: the tool of that name, whatever its source.
 * - `context_*`, `*`: globs; `*` matches any run of characters (none included).
 * - `mcp:github/*`: every tool the MCP server `github` offers; `mcp:*\/*search*`: every MCP
 *   server's tool whose name (at the server, see ToolDefinition.sourceName) contains "search";
 *   `native/*`: every native tool. With a source, the name glob matches the tool's name at its
 *   source, so a scope does not depend on how the registry disambiguates names.
 * - `emit_event(meeting.schedule, task.*)`: a tool narrowed by arguments (ToolDefinition.narrow);
 *   only an exact tool name takes arguments.
 */
import type { ToolDefinition } from './types.js';

export interface ScopeEntry {
  /** The entry as written. */
  text: string;
  source: string | undefined;
  name: string;
  args: string[] | undefined;
}

const NAME_GLOB = /^[A-Za-z0-9_*-]{1,128}$/;
const SOURCE_GLOB = /^[a-z][a-z0-9]*(:[A-Za-z0-9_.*-]{1,128})?$|^\*$/;
const ARGUMENT = /^[A-Za-z0-9_.*-]{1,256}$/;
const ENTRY = /^([^()/\s]+\/)?([^()/\s]+)(?:\((.*)\))?$/;

/** The parsed entry, or the reason it cannot be parsed. */
export function parseScopeEntry(text: string): ScopeEntry | string {
  const match = ENTRY.exec(text.trim());
  if (match === null) return 'must be a tool name or pattern such as "context_read", "context_*", "mcp:github/*" or "emit_event(meeting.schedule)"';
  const [, sourcePart, name = '', argText] = match;
  const source = sourcePart?.slice(0, -1);
  if (source !== undefined && !SOURCE_GLOB.test(source)) return `"${source}" is not a tool source: use "native" or "mcp:<server>" (globs with *)`;
  if (!NAME_GLOB.test(name)) return `"${name}" is not a tool name or name pattern (letters, digits, "_", "-" and "*")`;
  if (argText === undefined) return { text, source, name, args: undefined };
  if (source !== undefined || name.includes('*')) return 'only an exact tool name takes arguments, e.g. "emit_event(meeting.schedule)"';
  const args = argText.split(',').map((arg) => arg.trim());
  const bad = args.find((arg) => !ARGUMENT.test(arg));
  if (bad !== undefined) return `argument "${bad}" must be 1-256 letters, digits, ".", "_", "-" or "*"`;
  return { text, source, name, args };
}

export function matchesEntry(entry: ScopeEntry, tool: ToolDefinition): boolean {
  if (entry.source === undefined) return globMatches(entry.name, tool.name);
  return globMatches(entry.source, tool.source) && globMatches(entry.name, tool.sourceName ?? tool.name);
}

/** True when the entry names MCP tools, which come and go, so none need exist when it is checked. */
export function namesMcpTools(entry: ScopeEntry): boolean {
  return entry.source !== undefined && entry.source.startsWith('mcp:');
}

/** `*` matches any run of characters; everything else is literal. */
export function globMatches(glob: string, value: string): boolean {
  if (!glob.includes('*')) return glob === value;
  return globToRegExp(glob).test(value);
}

function globToRegExp(glob: string): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 's');
}
