/**
 * Shared by the Cosmos ContextStore tests: a fresh database per test on the protocol server, the
 * raw items of a user (to check layout and invariants), and a store whose container "crashes"
 * before its n-th write (every write from then on fails, as if the process had died there), to
 * prove that each multi-item operation can be cut at any write and then finished by running it
 * again.
 */
import type { Container } from '@azure/cosmos';
import { CosmosContextStore } from '../../src/adapters/azure/cosmos-context-store.js';
import { openCosmosStore } from '../../src/adapters/azure/cosmos-database.js';
import type { ContextLimits } from '../../src/kernel/ports/context.js';
import type { CosmosTestServer } from '../helpers/cosmos-server.js';
import { TestClock } from '../helpers/kernel-fixture.js';

export const LIMITS: ContextLimits = { maxDocumentBytes: 4096, versionsKept: 3 };

export interface ContextFixture {
  store: CosmosContextStore;
  container: Container;
  clock: TestClock;
  /** Every item of `userId` as stored (entries and versions), by id. */
  raw(userId: string): Promise<Array<Record<string, unknown>>>;
  /** A second store on the same container that fails every write from the `writes`+1-th on. */
  crashing(writes: number): Crashing;
}

export interface Crashing {
  store: CosmosContextStore;
  /** True once a write was refused. */
  crashed(): boolean;
  /** Waits for writes that were already on their way when the "crash" happened. */
  settle(): Promise<void>;
}

let databases = 0;

export async function withContext(server: CosmosTestServer, test: (fixture: ContextFixture) => Promise<void>): Promise<void> {
  databases += 1;
  const clock = new TestClock(new Date('2026-03-01T09:00:00.000Z'));
  const { database, context } = await openCosmosStore({ client: server.client(), databaseId: `context-${databases}`, createIfNotExists: true, context: { clock, limits: LIMITS } });
  const container = database.container('context');
  try {
    await test({
      store: context,
      container,
      clock,
      raw: async (userId) => {
        const query = { query: 'SELECT * FROM c WHERE c.userId = @userId', parameters: [{ name: '@userId', value: userId }] };
        return (await container.items.query<Record<string, unknown>>(query, { partitionKey: userId }).fetchAll()).resources;
      },
      crashing: (writes) => crashingStore(container, clock, writes),
    });
  } finally {
    await database.delete();
  }
}

function crashingStore(container: Container, clock: TestClock, writes: number): Crashing {
  let left = writes;
  let crashed = false;
  const pending = new Set<Promise<unknown>>();
  const guard = (write: () => Promise<unknown>): Promise<unknown> => {
    if (left <= 0) {
      crashed = true;
      return Promise.reject(new Error('simulated crash before this write'));
    }
    left -= 1;
    const running = write();
    pending.add(running);
    void running.then(
      () => pending.delete(running),
      () => pending.delete(running),
    );
    return running;
  };
  const writing = <T extends object>(target: T, methods: readonly string[]): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value: unknown = Reflect.get(object, property, receiver);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => Promise<unknown>;
        return methods.includes(String(property))
          ? (...args: unknown[]) => guard(() => method.apply(object, args))
          : (...args: unknown[]) => method.apply(object, args);
      },
    });
  const proxy = new Proxy(container, {
    get(object, property, receiver) {
      if (property === 'items') return writing(object.items, ['create', 'upsert']);
      if (property === 'item') return (id: string, partitionKey: string) => writing(object.item(id, partitionKey), ['replace', 'delete', 'patch']);
      return Reflect.get(object, property, receiver) as unknown;
    },
  });
  return {
    store: new CosmosContextStore(proxy, { clock, limits: LIMITS }),
    crashed: () => crashed,
    settle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** Every entry's parent exists (the root is implicit): nothing a listing could not reach. */
export function orphans(items: ReadonlyArray<Record<string, unknown>>): string[] {
  const entries = items.filter((item) => item.type === 'entry');
  const paths = new Set(entries.map((item) => item.path));
  return entries.filter((item) => item.parent !== '/' && !paths.has(item.parent)).map((item) => String(item.path));
}
