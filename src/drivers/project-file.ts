/**
 * The project file (`vextir.config.yaml` or `.json`) where a user lists their own driver modules
 * and the project's agents:
 *
 *   drivers:
 *     - module: ./examples/packs/weather/weather-driver.js
 *       options: { apiUrl: https://api.example.com }
 *   agents:
 *     - { id: triage, name: Triage, capabilities: [ticket.created], tools: [context_write], system_prompt: ... }
 *
 * Module paths are relative to the file. A missing file means "no user drivers", no agents and no
 * model changes. Agents are checked here only as objects: their definitions are validated by the
 * agent catalog (src/registries/agents), which knows the tools and names the entry in its errors.
 *
 * `models:` adds models to the registry, or changes built-in ones by id (see
 * src/registries/models/schema.ts, `modelOverrideSchema`):
 *
 *   models:
 *     - { id: llama3, provider: openai-compatible, model: "llama3.1:8b", baseUrl: "http://127.0.0.1:11434/v1",
 *         capabilities: [chat, tools], contextWindow: 131072, maxOutputTokens: 8192, price: { inputPerMTok: 0, outputPerMTok: 0 } }
 *     - { id: gpt-4o, enabled: false }
 *
 * `notifications:` (webhook channels) and `mailboxes:` (IMAP mailboxes watched for users) configure
 * the IO drivers: see src/drivers/notifications/channels.ts and src/drivers/email/mailboxes.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KernelError } from '../kernel/index.js';
import { modelOverrideSchema, type ModelOverride } from '../registries/models/index.js';
import { mailboxesSchema, type MailboxConfig } from './email/mailboxes.js';
import type { DriverModuleSpec } from './loader.js';
import { notificationsSectionSchema, type NotificationsSection } from './notifications/channels.js';
import { mcpServersSchema, type McpServerEntry } from './mcp/index.js';

const projectFileSchema = z.strictObject({
  drivers: z
    .array(z.strictObject({ module: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }))
    .default([]),
  models: z.array(modelOverrideSchema).default([]),
  agents: z.array(z.record(z.string(), z.unknown())).default([]),
  notifications: notificationsSectionSchema.default({ channels: [] }),
  mailboxes: mailboxesSchema,
  /** MCP servers whose tools agents may call (src/drivers/mcp/schema.ts). */
  mcp_servers: mcpServersSchema,
});

export interface ProjectFile {
  /** The folder module paths are resolved against. */
  baseDir: string;
  drivers: DriverModuleSpec[];
  /** Entries for the model registry. */
  models: ModelOverride[];
  /** The `agents:` entries as written (validated by the agent catalog). */
  agents: Array<Record<string, unknown>>;
  /** Webhook channels of the notifications driver. */
  notifications: NotificationsSection;
  /** IMAP mailboxes watched for their users. */
  mailboxes: MailboxConfig[];
  /** The `mcp_servers:` entries, validated; `${SETTING}` references are resolved by the wiring. */
  mcpServers: McpServerEntry[];
}

export function readProjectFile(file: string): ProjectFile {
  const path = resolve(file);
  if (!existsSync(path)) return { baseDir: dirname(path), drivers: [], models: [], agents: [], notifications: { channels: [] }, mailboxes: [], mcpServers: [] };
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')); // YAML is a superset of JSON: both work
  } catch (error) {
    throw new KernelError('invalid_input', `${file} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  const parsed = projectFileSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new KernelError('invalid_input', `${file}: ${z.prettifyError(parsed.error)}`);
  return {
    baseDir: dirname(path),
    drivers: parsed.data.drivers.map((spec) => (spec.options === undefined ? { module: spec.module } : { module: spec.module, options: spec.options })),
    models: parsed.data.models,
    agents: parsed.data.agents,
    notifications: parsed.data.notifications,
    mailboxes: parsed.data.mailboxes,
    mcpServers: parsed.data.mcp_servers,
  };
}
