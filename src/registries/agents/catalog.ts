/**
 * Which agent definitions exist for a user: the built-in agents and the project file's (the same
 * for everyone), and the user's own, kept in the StateStore (partition = the user, kind `agent`,
 * key = the id) and visible only to them. A user's agent may not take the id of a built-in or
 * project agent or of any registered driver: the id becomes an agent driver's id.
 *
 * `userAgentsFor` is on the event path (the runtime routes each event to the user's agents that
 * start on its type), so it reads through a short cache, like the policy repository: a change
 * made through another instance is seen within `cacheMs`, one made through this instance (any of
 * its threads sharing the `generation`) at once.
 */
import { type CacheGeneration, type Clock, isKernelError, KernelError, localCacheGeneration, type Logger, matchesType, type StateItem, type StateStore } from '../../kernel/index.js';
import { createSchemaCompiler, type ToolRegistry } from '../tools/index.js';
import { BUILT_IN_AGENT_DOCUMENTS } from './builtin/index.js';
import { parseAgentDefinition, parseAgentDocument } from './parse.js';
import type { AgentDefinition } from './schema.js';

export const AGENT_STATE_KIND = 'agent';

export type AgentSource = 'builtin' | 'project' | 'user';

export interface AgentEntry {
  source: AgentSource;
  definition: AgentDefinition;
  /** User agents: the stored item's ETag (If-Match) and last change. */
  etag?: string;
  updatedAt?: string;
}

export interface AgentCatalogDeps {
  state: StateStore;
  clock: Clock;
  logger: Logger;
  tools: ToolRegistry;
  /** The project file's `agents:` entries as written; validated here (a bad one fails start-up). */
  projectAgents?: readonly unknown[];
  /** How the project file is named in errors (default `vextir.config.yaml`). */
  projectFile?: string;
  /** Ids of every registered driver, which user agents may not take. */
  driverIds(): Iterable<string>;
  /** How long an instance reuses a user's agents for routing (VEXTIR_AGENT_CACHE_MS; default 2 s). */
  cacheMs?: number;
  /** Agents one user may keep (default 100). */
  maxAgentsPerUser?: number;
  /** Advanced on every change made here; a user's cached agents from an older generation are read again. */
  generation?: CacheGeneration;
}

export interface AgentCatalog {
  /** Built-in and project agents, the same for every user (the runtime compiles them to drivers at start-up). */
  shared(): readonly AgentEntry[];
  /** The user's own agents, then the project's, then the built-ins. */
  list(userId: string): Promise<AgentEntry[]>;
  get(userId: string, id: string): Promise<AgentEntry | undefined>;
  /** The user's own enabled agents whose capabilities match `type` (cached). */
  userAgentsFor(userId: string, type: string): Promise<AgentEntry[]>;
  /**
   * Validates and stores a user agent as given (defaults apply when it is read, so it follows
   * the format's defaults); 409 for a taken id, 412 for a failed precondition. `pointer`: where
   * the definition sits in the document it came from, for error pointers.
   */
  put(userId: string, definition: unknown, options?: { ifMatch?: string; ifNoneMatch?: '*'; pointer?: string }): Promise<{ entry: AgentEntry; created: boolean }>;
  /** Deletes a user agent; false when the user has none with that id. 409 for a built-in or project agent. */
  delete(userId: string, id: string, options?: { ifMatch?: string }): Promise<boolean>;
  /** Full validation (tool scope against the registry, output_schema compiles) of a definition. */
  parse(definition: unknown, pointer?: string): AgentDefinition;
}

interface CachedAgents {
  entries: AgentEntry[];
  loadedAt: number;
  /** When loading began: a change committed while it loaded makes the entry stale. */
  generation: number;
}

const MAX_CACHED_USERS = 10_000;

export function createAgentCatalog(deps: AgentCatalogDeps): AgentCatalog {
  const cacheMs = deps.cacheMs ?? 2000;
  const maxAgents = deps.maxAgentsPerUser ?? 100;
  const compileSchema = createSchemaCompiler();
  const parse = (definition: unknown, pointer = '') => parseAgentDefinition(definition, { tools: deps.tools, compileSchema, pointer });
  const shared = sharedAgents(deps, compileSchema);
  const sharedById = new Map(shared.map((entry) => [entry.definition.id, entry]));
  const cache = new Map<string, CachedAgents>();
  const generation = deps.generation ?? localCacheGeneration();
  const changed = (userId: string): void => {
    cache.delete(userId);
    generation.advance();
  };

  const takenBy = (id: string): string | undefined => {
    const entry = sharedById.get(id);
    if (entry !== undefined) return entry.source === 'builtin' ? 'a built-in agent' : 'an agent of the project file';
    for (const driverId of deps.driverIds()) if (driverId === id) return 'a registered driver';
    return undefined;
  };

  /** The user's stored agents; one whose id a built-in, project agent or driver took since it was stored is not offered (its owner may still GET and delete it by id). */
  const readOwn = async (userId: string): Promise<AgentEntry[]> => {
    const items = await deps.state.list(userId, AGENT_STATE_KIND, { limit: maxAgents + 1 });
    return items.flatMap((item) => {
      const entry = fromItem(item);
      const taken = entry === undefined ? undefined : takenBy(entry.definition.id);
      if (entry === undefined) deps.logger.warn({ userId, agent: item.key }, 'a stored agent definition no longer validates; it is skipped (delete or put it again)');
      else if (taken !== undefined) deps.logger.warn({ userId, agent: item.key, takenBy: taken }, 'a stored agent has an id taken since; it is skipped (delete it, or put it under another id)');
      return entry === undefined || taken !== undefined ? [] : [entry];
    });
  };

  const catalog: AgentCatalog = {
    shared: () => shared,
    async list(userId) {
      return [...(await readOwn(userId)), ...shared.filter((entry) => entry.source === 'project'), ...shared.filter((entry) => entry.source === 'builtin')];
    },
    async get(userId, id) {
      const own = sharedById.has(id) ? undefined : await deps.state.get(userId, AGENT_STATE_KIND, id);
      return own === undefined ? sharedById.get(id) : fromItem(own);
    },
    async userAgentsFor(userId, type) {
      const now = deps.clock.now().getTime();
      const current = generation.current();
      let cached = cache.get(userId);
      if (cached === undefined || cached.generation !== current || now - cached.loadedAt >= cacheMs) {
        cached = { entries: await readOwn(userId), loadedAt: now, generation: current };
        cache.delete(userId);
        cache.set(userId, cached);
        if (cache.size > MAX_CACHED_USERS) cache.delete(cache.keys().next().value as string);
      }
      return cached.entries.filter((entry) => entry.definition.enabled && entry.definition.capabilities.some((pattern) => matchesType(pattern, type)));
    },
    async put(userId, input, { pointer, ...preconditions } = {}) {
      const definition = parse(input, pointer);
      const taken = takenBy(definition.id);
      if (taken !== undefined) throw idTaken(definition.id, taken);
      const existing = await deps.state.get(userId, AGENT_STATE_KIND, definition.id);
      if (existing === undefined && preconditions.ifMatch === undefined) {
        const count = (await deps.state.list(userId, AGENT_STATE_KIND, { limit: maxAgents })).length;
        if (count >= maxAgents) throw new KernelError('conflict', `you have ${count} agents, the most one user may keep; delete one first`);
      }
      const item = await deps.state.put(userId, AGENT_STATE_KIND, definition.id, input, preconditions);
      changed(userId);
      return { entry: { source: 'user', definition, etag: item.etag, updatedAt: item.updatedAt }, created: existing === undefined };
    },
    async delete(userId, id, options = {}) {
      const taken = sharedById.get(id);
      // A user agent stored before a built-in or project agent took its id can still be deleted.
      if (taken !== undefined && (await deps.state.get(userId, AGENT_STATE_KIND, id)) === undefined) {
        throw idTaken(id, taken.source === 'builtin' ? 'a built-in agent' : 'an agent of the project file');
      }
      const removed = await deps.state.delete(userId, AGENT_STATE_KIND, id, options);
      changed(userId);
      return removed;
    },
    parse,
  };
  return Object.freeze(catalog);
}

/** Built-ins first, then the project's; an id used twice fails start-up. */
function sharedAgents(deps: AgentCatalogDeps, compileSchema: ReturnType<typeof createSchemaCompiler>): readonly AgentEntry[] {
  const entries: AgentEntry[] = BUILT_IN_AGENT_DOCUMENTS.map((text) => ({ source: 'builtin', definition: parseAgentDocument(text, 'yaml', { tools: deps.tools, compileSchema }) }));
  const file = deps.projectFile ?? 'vextir.config.yaml';
  (deps.projectAgents ?? []).forEach((value, index) => {
    const definition = parseAgentDefinition(value, { tools: deps.tools, compileSchema, pointer: `/agents/${index}`, what: `${file}: agents[${index}]` });
    const clash = entries.find((entry) => entry.definition.id === definition.id);
    if (clash !== undefined) throw new KernelError('conflict', `${file}: agents[${index}] uses the id "${definition.id}" of ${clash.source === 'builtin' ? 'a built-in agent' : 'another agent of the file'}`);
    entries.push({ source: 'project', definition });
  });
  return Object.freeze(entries.map((entry) => Object.freeze(entry)));
}

/** A stored definition, checked for shape only: a native tool renamed by an upgrade must not hide the agent from its owner. */
function fromItem(item: StateItem): AgentEntry | undefined {
  try {
    return { source: 'user', definition: parseAgentDefinition(item.value), etag: item.etag, updatedAt: item.updatedAt };
  } catch (error) {
    if (isKernelError(error, 'invalid_input')) return undefined;
    throw error;
  }
}

function idTaken(id: string, by: string): KernelError {
  return new KernelError('conflict', `the id "${id}" belongs to ${by}; choose another id for your agent`, { details: { errors: [{ pointer: '/id', reason: `is taken by ${by}` }] } });
}
