/**
 * `mcp_servers:` in the project file: the MCP servers whose tools join the tool registry.
 *
 *   mcp_servers:
 *     - id: github
 *       transport: http
 *       url: https://api.githubcopilot.com/mcp/
 *       headers: { Authorization: "Bearer ${GITHUB_TOKEN}" }
 *       approval: [create_*]
 *       events: [{ on: github.issue.create, tool: create_issue, emits: github.issue.created }]
 *     - { id: files, transport: stdio, command: npx, args: [-y, "@modelcontextprotocol/server-filesystem", ./docs], external: false }
 *
 * `${NAME}` in a header, an environment value or the URL is the setting NAME, read from the
 * configuration at start-up (src/config.ts): secrets never come from event data, and a setting
 * that is not set stops the start naming the server and the setting.
 */
import { resolve as resolvePath } from 'node:path';
import { z } from 'zod';
import { durationSchema, eventTypeSchema, userIdSchema } from '../../kernel/index.js';

/** Part of tool names (`<server>_<tool>`) and of the tool source `mcp:<server>`. */
export const MCP_SERVER_ID = /^[a-z][a-z0-9_-]{0,31}$/;
/** A tool name glob: `*` matches any run of characters. */
const toolGlob = z.string().regex(/^[A-Za-z0-9_.*/-]{1,128}$/, 'must be a tool name or a glob such as "create_*"');
const SETTING_NAME = /^[A-Z][A-Z0-9_]{0,100}$/;

/** An event type answered by calling one tool: its data are the arguments, the result becomes `emits`. */
const eventMappingSchema = z.strictObject({
  on: eventTypeSchema,
  tool: z.string().min(1).max(128),
  /** The event carrying the tool's result (an object result is the event's data). */
  emits: eventTypeSchema,
  /** The event for a failed call or an `isError` result; default `tool.error`. */
  error: eventTypeSchema.default('tool.error'),
});

const common = {
  id: z.string().regex(MCP_SERVER_ID, 'must be 1-32 lower-case letters, digits, "_" or "-", starting with a letter'),
  /** One call's limit; the call is cancelled at the server when it passes. */
  timeout: durationSchema.default(30_000),
  /** Tools (globs, the server's names) each call of which a person must approve. */
  approval: z.array(toolGlob).default([]),
  /** Only these tools (globs) are offered and may be called; default every tool. */
  tools: z.array(toolGlob).optional(),
  /**
   * The users whose events may call this server's tools (default: every user of the deployment).
   * A server reached with an operator's credentials (a GitHub token) should say whose it is.
   */
  users: z.array(userIdSchema).min(1).optional(),
  /** Whether call arguments leave this system (PII policies apply); false for a server on this machine that keeps data here. */
  external: z.boolean().default(true),
  events: z.array(eventMappingSchema).default([]),
};

export const mcpServerSchema = z.discriminatedUnion('transport', [
  z.strictObject({
    ...common,
    transport: z.literal('stdio'),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    /** Added to a minimal inherited environment (PATH, HOME, ...), as the MCP SDK does. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string()).default({}),
    /** Relative to the project file. */
    cwd: z.string().min(1).optional(),
  }),
  z.strictObject({
    ...common,
    transport: z.literal('http'),
    url: z.string().min(1),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be an HTTP header name'), z.string()).default({}),
  }),
]);
export type McpServerEntry = z.infer<typeof mcpServerSchema>;
export type McpEventMapping = z.infer<typeof eventMappingSchema>;

export const mcpServersSchema = z.array(mcpServerSchema).default([]).superRefine((servers, context) => {
  const seen = new Set<string>();
  servers.forEach((server, index) => {
    if (seen.has(server.id)) context.addIssue({ code: 'custom', path: [index, 'id'], message: `a second server named "${server.id}"` });
    seen.add(server.id);
  });
});

/** A server entry with its `${SETTING}` references replaced and its paths resolved: what the connection uses. */
export type ResolvedMcpServer =
  | Extract<McpServerEntry, { transport: 'stdio' }>
  | (Omit<Extract<McpServerEntry, { transport: 'http' }>, 'url'> & { url: URL });

/**
 * Replaces `${NAME}` with the setting's value. Throws naming the server and the setting when it
 * is not set, so a missing token stops the start instead of sending "Bearer " to a server.
 */
export function resolveSettings(text: string, where: string, setting: (name: string) => string | undefined): string {
  return text.replace(/\$\{([^}]*)\}/g, (_match, name: string) => {
    if (!SETTING_NAME.test(name)) throw new Error(`${where}: "\${${name}}" is not a setting name (upper-case letters, digits and "_")`);
    const value = setting(name);
    if (value === undefined || value === '') throw new Error(`${where} needs the setting ${name}, which is not set`);
    return value;
  });
}

/** The entry ready to connect: settings in, cwd against the project file's folder, the URL parsed. */
export function resolveServer(entry: McpServerEntry, baseDir: string, setting: (name: string) => string | undefined): ResolvedMcpServer {
  const where = `mcp_servers "${entry.id}"`;
  if (entry.transport === 'stdio') {
    const env = Object.fromEntries(Object.entries(entry.env).map(([name, value]) => [name, resolveSettings(value, `${where} env.${name}`, setting)]));
    const { cwd, ...rest } = entry;
    return { ...rest, env, ...(cwd !== undefined && { cwd: resolvePath(baseDir, cwd) }) };
  }
  const headers = Object.fromEntries(Object.entries(entry.headers).map(([name, value]) => [name, resolveSettings(value, `${where} headers.${name}`, setting)]));
  const text = resolveSettings(entry.url, `${where} url`, setting);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${where}: url "${entry.url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${where}: url must be http or https`);
  return { ...entry, url, headers };
}
