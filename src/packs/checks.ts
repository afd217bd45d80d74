/**
 * What a pack brings must fit inside what it asks for, and must not pass for anything built in:
 * refused at install, naming the item. Enforcement (the policy engine) holds the running pack to
 * its grant anyway; these checks make a pack that could only ever be denied fail early and
 * loudly instead.
 *
 * - driver and agent ids (and policy and MCP server ids) are the pack's name or start with
 *   `<name>-` or `<name>_`, so a pack cannot shadow a built-in driver or another pack's;
 * - drivers' capabilities and agents' triggers fit inside `permissions.events.receives`;
 * - what instructions' steps emit and agents answer with fits inside `permissions.events.emits`;
 * - agents' and instructions' tools and models are in `permissions.tools` / `permissions.models`;
 * - an MCP server is reached over HTTP at a host of `permissions.network.hosts` (a pack may not
 *   start programs on the host that way) and names no setting (the operator's secrets).
 */
import { KernelError, matchesType } from '../kernel/index.js';
import type { LoadedPack, PackDocument } from './load.js';
import type { PackManifest } from './manifest.js';

/** What the sandbox reports of a driver module once loaded. */
export interface PackDriverInfo {
  id: string;
  capabilities: readonly string[];
}

interface Problem {
  field: string;
  reason: string;
}

/** Whether every type `inner` matches is matched by `outer`. */
export function patternWithin(inner: string, outer: string): boolean {
  if (outer === '*') return true;
  if (inner === '*') return false;
  if (!inner.endsWith('.*')) return matchesType(outer, inner);
  return outer.endsWith('.*') && inner.slice(0, -1).startsWith(outer.slice(0, -1));
}

const within = (pattern: string, allowed: readonly string[]) => allowed.some((outer) => patternWithin(pattern, outer));

export function ownsId(pack: string, id: string): boolean {
  return id === pack || id.startsWith(`${pack}-`) || id.startsWith(`${pack}_`);
}

/** Throws KernelError `invalid_input` listing every item that does not fit. */
export function checkPackFits(pack: LoadedPack, drivers: readonly PackDriverInfo[]): void {
  const { manifest, documents } = pack;
  const problems: Problem[] = [];
  drivers.forEach((driver, index) => {
    const field = `contents.drivers[${index}] (driver "${driver.id}")`;
    if (!ownsId(manifest.name, driver.id)) problems.push({ field, reason: `its id must be "${manifest.name}" or start with "${manifest.name}-" or "${manifest.name}_"` });
    for (const capability of driver.capabilities) {
      if (!within(capability, manifest.permissions.events.receives)) problems.push({ field, reason: `handles ${capability}, which permissions.events.receives does not include` });
    }
  });
  for (const document of documents.agents) problems.push(...agentProblems(manifest, document));
  for (const document of documents.instructions) problems.push(...instructionProblems(manifest, document));
  for (const document of documents.policies) problems.push(...policyProblems(manifest, document));
  for (const document of documents.mcp_servers) problems.push(...mcpProblems(manifest, document));
  if (problems.length > 0) {
    throw new KernelError('invalid_input', `the pack ${manifest.name} does not fit its permissions: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`, { details: { errors: problems } });
  }
}

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
/** A tool scope entry's tool name: `context_read` of `context_read(path=/Weather)`. */
const toolName = (entry: string): string => entry.split('(')[0]?.trim() ?? entry;

function agentProblems(manifest: PackManifest, { file, value }: PackDocument): Problem[] {
  // The seed's form wraps the definition in `driver:`.
  const agent = record(record(value)['driver'] ?? value);
  const id = typeof agent['id'] === 'string' ? agent['id'] : '';
  const field = `${file} (agent "${id}")`;
  const { permissions } = manifest;
  const problems: Problem[] = [];
  if (!ownsId(manifest.name, id)) problems.push({ field, reason: `its id must be "${manifest.name}" or start with "${manifest.name}-" or "${manifest.name}_"` });
  const triggers = strings(agent['capabilities']);
  for (const trigger of triggers) if (!within(trigger, permissions.events.receives)) problems.push({ field, reason: `starts on ${trigger}, which permissions.events.receives does not include` });
  const emits = record(agent['emits']);
  for (const kind of ['response', 'error'] as const) {
    const declared = emits[kind];
    const types = typeof declared === 'string' ? [declared] : triggers.filter((t) => !t.endsWith('.*')).map((t) => `${t}.${kind}`);
    for (const type of types) if (!within(type, permissions.events.emits)) problems.push({ field, reason: `answers with ${type}, which permissions.events.emits does not include` });
  }
  for (const tool of [...strings(agent['tools']), ...strings(record(agent['approval'])['tools'])]) {
    if (!permissions.tools.includes(toolName(tool)) && !permissions.tools.includes(tool)) problems.push({ field, reason: `uses the tool ${tool}, which permissions.tools does not include` });
  }
  const model = agent['model'];
  if (typeof model === 'string' && !permissions.models.includes(model)) problems.push({ field, reason: `uses the model ${model}, which permissions.models does not include` });
  if (model === undefined && permissions.models.length === 0) problems.push({ field, reason: 'names no model and permissions.models is empty, so it could call none' });
  return problems;
}

function instructionProblems(manifest: PackManifest, { file, value }: PackDocument): Problem[] {
  const instruction = record(value);
  const field = `${file} (instruction "${typeof instruction['id'] === 'string' ? instruction['id'] : ''}")`;
  const { permissions } = manifest;
  const problems: Problem[] = [];
  const trigger = record(instruction['trigger'])['event'];
  if (typeof trigger === 'string' && !within(trigger, permissions.events.receives)) problems.push({ field, reason: `starts on ${trigger}, which permissions.events.receives does not include` });
  const steps = Array.isArray(instruction['plan']) ? instruction['plan'] : [];
  steps.forEach((raw, index) => {
    const step = record(raw);
    const type = record(step['event'])['type'];
    if (step['action'] === 'emit_event' && typeof type === 'string' && !within(type, permissions.events.emits)) {
      problems.push({ field, reason: `step ${index} emits ${type}, which permissions.events.emits does not include` });
    }
    if (step['action'] === 'call_tool' && typeof step['tool'] === 'string' && !permissions.tools.includes(step['tool'])) {
      problems.push({ field, reason: `step ${index} calls the tool ${step['tool']}, which permissions.tools does not include` });
    }
  });
  return problems;
}

function policyProblems(manifest: PackManifest, { file, value }: PackDocument): Problem[] {
  const list = Array.isArray(value) ? value : record(value)['policies'];
  return (Array.isArray(list) ? list : []).flatMap((raw): Problem[] => {
    const id = record(raw)['id'];
    return typeof id === 'string' && ownsId(manifest.name, id) ? [] : [{ field: `${file} (policy "${String(id)}")`, reason: `its id must start with "${manifest.name}-" or "${manifest.name}_"` }];
  });
}

function mcpProblems(manifest: PackManifest, { file, value }: PackDocument): Problem[] {
  const list = Array.isArray(value) ? value : record(value)['mcp_servers'];
  return (Array.isArray(list) ? list : []).flatMap((raw): Problem[] => {
    const server = record(raw);
    const field = `${file} (MCP server "${String(server['id'])}")`;
    const problems: Problem[] = [];
    if (typeof server['id'] !== 'string' || !ownsId(manifest.name, server['id'])) problems.push({ field, reason: `its id must start with "${manifest.name}-" or "${manifest.name}_"` });
    if (server['transport'] !== 'http') return [...problems, { field, reason: 'a pack reaches MCP servers over HTTP only (a stdio server would run a program on the host, outside the sandbox)' }];
    if (JSON.stringify(server).includes('${')) problems.push({ field, reason: "may not name settings (${...}): a pack gets none of the operator's secrets" });
    let host = '';
    try {
      host = new URL(String(server['url'])).hostname;
    } catch {
      problems.push({ field, reason: 'url must be an http(s) URL' });
    }
    if (host !== '' && !manifest.permissions.network.hosts.some((allowed) => allowed === host || (allowed.startsWith('*.') && host.endsWith(allowed.slice(1))))) {
      problems.push({ field, reason: `reaches ${host}, which permissions.network.hosts does not include` });
    }
    return problems;
  });
}

/** The ids the pack's documents declare (agents, instructions, apps, policies, MCP servers). */
export function declaredIds(pack: LoadedPack): Record<'agents' | 'instructions' | 'apps' | 'policies' | 'mcp_servers', string[]> {
  const id = (value: unknown): string[] => (typeof record(value)['id'] === 'string' ? [record(value)['id'] as string] : []);
  const listed = (value: unknown, field: string): unknown[] => (Array.isArray(value) ? value : Array.isArray(record(value)[field]) ? (record(value)[field] as unknown[]) : []);
  const { documents } = pack;
  return {
    agents: documents.agents.flatMap(({ value }) => id(record(value)['driver'] ?? value)),
    instructions: documents.instructions.flatMap(({ value }) => id(value)),
    apps: documents.apps.flatMap(({ value }) => id(value)),
    policies: documents.policies.flatMap(({ value }) => listed(value, 'policies').flatMap(id)),
    mcp_servers: documents.mcp_servers.flatMap(({ value }) => listed(value, 'mcp_servers').flatMap(id)),
  };
}

/** Each agent document's id and triggers, for the lock. */
export function declaredAgents(pack: LoadedPack): Array<{ id: string; capabilities: string[]; file: string }> {
  return pack.documents.agents.map(({ file, value }) => {
    const agent = record(record(value)['driver'] ?? value);
    return { id: typeof agent['id'] === 'string' ? agent['id'] : '', capabilities: strings(agent['capabilities']), file };
  });
}
