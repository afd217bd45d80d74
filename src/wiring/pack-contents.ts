/**
 * Where a pack's documents go when a grant activates it (its agents are not among them: each runs
 * as a driver of its own, started with the pack's drivers, so the kernel names it as the producer
 * of what it emits and the policy engine holds it to the pack's grant): instructions into the
 * user's instructions (their triggers armed), UI apps into the user's
 * applications, policies into the user's policy set (the global set for a global grant). Each
 * is validated by its own format first, all before anything is written, so a pack with one bad
 * document installs nothing (400 naming the file and field).
 *
 * A global grant installs the pack's policies for everyone; instructions and apps are a
 * user's data, so they come into a user's space when that user adds the pack (a global grant
 * makes that need no consent of their own). An item of the same id that the user made
 * themselves is never overwritten: the install is refused (409) naming it.
 */
import { z } from 'zod';
import { mcpServerSchema } from '../drivers/mcp/index.js';
import { KernelError } from '../kernel/index.js';
import type { GrantScope, InstalledItems, LoadedPack, PackContentTarget, PackDocument } from '../packs/index.js';
import { compileInstruction, type PlanSystem } from '../plans/index.js';
import type { AgentCatalog } from '../registries/agents/index.js';
import type { ToolRegistry } from '../registries/tools/index.js';
import { parsePolicyDocument, type Policy, type PolicyRepository } from '../security/index.js';
import { parseUiApplication, type UiAppStore } from '../ui/index.js';

export interface PackContentDeps {
  agents: AgentCatalog;
  plans: PlanSystem;
  uiApps: UiAppStore;
  policies: PolicyRepository;
  tools: ToolRegistry;
}

interface Parsed {
  agents: unknown[];
  instructions: unknown[];
  apps: Array<ReturnType<typeof parseUiApplication>>;
  policies: Policy[];
}

export function packContentTarget(deps: PackContentDeps): PackContentTarget {
  const parse = (pack: LoadedPack): Parsed => ({
    agents: pack.documents.agents.map((doc) => within(doc, (value) => {
      const definition = unwrapAgent(value);
      deps.agents.parse(definition);
      return definition;
    })),
    instructions: pack.documents.instructions.map((doc) => within(doc, (value) => {
      compileInstruction(value, { knownTool: (name) => deps.tools.get(name) !== undefined });
      return value;
    })),
    apps: pack.documents.apps.map((doc) => within(doc, (value) => parseUiApplication(value))),
    policies: pack.documents.policies.flatMap((doc) => within(doc, (value) => parsePolicyDocument(JSON.stringify(value), 'json'))),
  });

  return {
    validate(pack) {
      const { policies } = parse(pack);
      // Its MCP servers are connected at run time (pack-mcp.ts): a bad entry is refused now, naming the file and field.
      for (const doc of pack.documents.mcp_servers) within(doc, (value) => parseMcpEntries(Array.isArray(value) ? value : (value as { mcp_servers?: unknown } | null)?.mcp_servers));
      // The global set's limits are the wider; a user's set is checked again when a user's grant installs it.
      deps.policies.validate({ kind: 'global' }, policies);
    },
    async install(scope, pack, previous) {
      const parsed = parse(pack);
      const mine = (kind: keyof InstalledItems, id: string) => previous?.[kind].includes(id) === true;
      const items: InstalledItems = { agents: [], instructions: [], apps: [], policies: [] };
      if (scope.kind === 'user') {
        const { userId } = scope;
        for (const instruction of parsed.instructions) {
          const id = String((instruction as { id?: unknown }).id);
          if (!mine('instructions', id) && (await deps.plans.instructions.get(userId, id).then(() => true, () => false))) throw yours('an instruction', id);
          await deps.plans.instructions.put(userId, instruction);
          items.instructions.push(id);
        }
        for (const app of parsed.apps) {
          if (!mine('apps', app.id) && (await deps.uiApps.get(userId, app.id)) !== undefined) throw yours('a UI application', app.id);
          await deps.uiApps.put(userId, app);
          items.apps.push(app.id);
        }
      }
      items.policies = parsed.policies.map((policy) => policy.id);
      await replacePolicies(deps.policies, scope, previous?.policies ?? [], parsed.policies);
      // What the previous version had and this one no longer does goes.
      if (previous !== undefined) {
        await removeItems(deps, scope, {
          agents: previous.agents.filter((id) => !items.agents.includes(id)),
          instructions: previous.instructions.filter((id) => !items.instructions.includes(id)),
          apps: previous.apps.filter((id) => !items.apps.includes(id)),
          policies: [],
        });
      }
      return items;
    },
    async remove(scope, items) {
      await removeItems(deps, scope, items);
      await replacePolicies(deps.policies, scope, items.policies, []);
    },
  };
}

async function removeItems(deps: PackContentDeps, scope: GrantScope, items: InstalledItems): Promise<void> {
  if (scope.kind !== 'user') return;
  for (const id of items.agents) await deps.agents.delete(scope.userId, id);
  for (const id of items.instructions) await deps.plans.instructions.delete(scope.userId, id);
  for (const id of items.apps) await deps.uiApps.delete(scope.userId, id);
}

/** The scope's policy set without the pack's previous policies, plus its new ones (a stale ETag retries). */
async function replacePolicies(repository: PolicyRepository, scope: GrantScope, previous: readonly string[], next: readonly Policy[]): Promise<void> {
  if (previous.length === 0 && next.length === 0) return;
  const policyScope = scope.kind === 'global' ? { kind: 'global' as const } : { kind: 'user' as const, userId: scope.userId };
  for (let attempt = 1; ; attempt += 1) {
    const stored = await repository.read(policyScope);
    const replaced = new Set([...previous, ...next.map((policy) => policy.id)]);
    try {
      await repository.replace(policyScope, [...stored.policies.filter((policy) => !replaced.has(policy.id)), ...next], stored.etag);
      return;
    } catch (error) {
      if (!(error instanceof KernelError && error.code === 'precondition_failed') || attempt >= 5) throw error;
    }
  }
}

/** Runs a format's validation, naming the pack's file in the error. */
function within<T>({ file, value }: PackDocument, parse: (value: unknown) => T): T {
  try {
    return parse(value);
  } catch (error) {
    if (error instanceof KernelError && error.code === 'invalid_input') throw new KernelError('invalid_input', `${file}: ${error.message}`, { details: { errors: [{ field: file, reason: error.message }] }, cause: error });
    throw error;
  }
}

function unwrapAgent(value: unknown): unknown {
  const wrapped = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)['driver'] : undefined;
  return wrapped ?? value;
}

function yours(what: string, id: string): KernelError {
  return new KernelError('conflict', `you have ${what} "${id}" of your own; the pack brings one with the same id. Rename or delete yours first`);
}

function parseMcpEntries(list: unknown): void {
  const parsed = z.array(mcpServerSchema).safeParse(list);
  if (!parsed.success) throw new KernelError('invalid_input', `mcp_servers: ${z.prettifyError(parsed.error)}`);
}
