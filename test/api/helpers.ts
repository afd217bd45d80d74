/** The API over the in-memory adapters, called in memory (no sockets), plus request/assert helpers. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryAuditLog, MemoryContextStore, MemoryEventStore, MemoryQueue, MemoryStateStore } from '../../src/adapters/memory/index.js';
import { UserChangeSignal } from '../../src/adapters/user-change-signal.js';
import { ContextWorkspace } from '../../src/kernel/context/workspace.js';
import type { ContextLimits } from '../../src/kernel/ports/context.js';
import { createApi, DEFAULT_API_LIMITS, type ApiLimits, type ApiRequest, type ApiResponse, type ApiServices, type HealthReport } from '../../src/api/index.js';
import { createDriverRegistry } from '../../src/drivers/index.js';
import { RunStore } from '../../src/drivers/agent-runtime/index.js';
import { EventProcessor, ingest, KernelError, type Driver } from '../../src/kernel/index.js';
import { Scheduler, ScheduleStore } from '../../src/scheduler/index.js';
import { PrometheusMetrics } from '../../src/metrics/index.js';
import { createAgentCatalog } from '../../src/registries/agents/index.js';
import { createToolRegistry } from '../../src/registries/tools/index.js';
import { createPlans, nativeTools } from '../../src/wiring/index.js';
import { allowAllAuthorizer, createSecuritySystem, DEFAULT_ADMIN_ROLE, DevTokenAuthenticator, signDevToken } from '../../src/security/index.js';
import { UiAppStore } from '../../src/ui/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localCacheGeneration } from '../../src/kernel/index.js';
import { PackService, PackStore, searchPacks } from '../../src/packs/index.js';
import { packContentTarget } from '../../src/wiring/pack-contents.js';
import { silentLogger, TestClock } from '../helpers/kernel-fixture.js';

export interface FixtureOptions {
  limits?: Partial<ApiLimits>;
  health?: () => Promise<HealthReport>;
  services?: Partial<ApiServices>;
  contextLimits?: Partial<ContextLimits>;
}

export const OK_HEALTH: HealthReport = { status: 'ok', mode: 'local', version: '0.0.0-test', uptimeSeconds: 1, checks: { store: { ok: true } } };

export function apiFixture(options: FixtureOptions = {}) {
  const clock = new TestClock();
  const store = new MemoryEventStore();
  const audit = new MemoryAuditLog();
  const queue = new MemoryQueue({ clock });
  queue.bindStore(store, audit);
  const secret = new Uint8Array(randomBytes(32));
  const metrics = new PrometheusMetrics();
  const changes = new UserChangeSignal();
  const context = new MemoryContextStore({ clock, ...(options.contextLimits !== undefined && { limits: options.contextLimits }) });
  const state = new MemoryStateStore({ clock });
  const tools = createToolRegistry(nativeTools());
  const scheduler = new Scheduler({
    store: new ScheduleStore(state),
    publish: async (event, notBefore) => {
      await ingest([event], { bus: queue, store, clock }, notBefore === undefined ? {} : { notBefore });
    },
    clock,
    logger: silentLogger,
  });
  const security = createSecuritySystem(new MemoryStateStore({ clock }), clock, silentLogger);
  const plans = createPlans({ state, store, bus: queue, clock, logger: silentLogger, scheduler, tools });
  const agents = createAgentCatalog({ state, clock, logger: silentLogger, tools, driverIds: () => [] });
  const uiApps = new UiAppStore(state);
  // No registry is reachable in memory; packs from folders work (the folder is created by a test that installs one).
  const packService = new PackService({
    store: new PackStore(state),
    clock,
    logger: silentLogger,
    root: join(tmpdir(), `vextir-api-packs-${randomBytes(6).toString('hex')}`),
    registry: 'http://127.0.0.1:9/',
    vextirVersion: '0.1.0',
    generation: localCacheGeneration(),
    inspectDrivers: async () => {
      throw new KernelError('not_supported', 'the in-memory API fixture runs no pack sandbox');
    },
    contents: packContentTarget({ agents, plans, uiApps, policies: security.policies, tools }),
  });
  const services: ApiServices = {
    bus: queue,
    deadLetters: queue,
    store,
    audit,
    clock,
    logger: silentLogger,
    authenticator: new DevTokenAuthenticator(secret),
    metrics,
    drivers: () => [],
    models: () => [],
    health: options.health ?? (async () => OK_HEALTH),
    waitForChanges: (userId, maxWaitMs, signal) => changes.wait(userId, maxWaitMs, signal),
    limits: { ...DEFAULT_API_LIMITS, streamPollMs: 20, ...options.limits },
    security,
    context,
    contextWorkspace: new ContextWorkspace(context, state, () => clock.now()),
    agentRuns: new RunStore(state),
    schedules: scheduler,
    plans,
    agents,
    tools,
    uiApps,
    packs: { service: packService, search: (text) => searchPacks('http://127.0.0.1:9/', text) },
    ...options.services,
  };
  const api = createApi(services);
  return {
    api,
    services,
    clock,
    store,
    audit,
    queue,
    metrics,
    changes,
    secret,
    token: (userId = 'alice', tokenOptions: { expiresIn?: string } = {}) => signDevToken(secret, userId, tokenOptions),
    /** A token holding the admin role (the default VEXTIR_ADMIN_ROLE). */
    adminToken: (userId = 'root') => signDevToken(secret, userId, { roles: [DEFAULT_ADMIN_ROLE] }),
  };
}
export type ApiFixture = ReturnType<typeof apiFixture>;

export interface RequestInit {
  headers?: Record<string, string>;
  body?: string | Uint8Array | undefined;
  signal?: AbortSignal;
  /** A bare `get`-only header lookup, as a minimal host might pass. */
  bareHeaders?: boolean;
}

export function apiRequest(method: string, path: string, init: RequestInit = {}): ApiRequest {
  const headers = new Headers(init.headers);
  const bytes = typeof init.body === 'string' ? new TextEncoder().encode(init.body) : (init.body ?? new Uint8Array());
  return {
    method,
    url: new URL(path, 'http://localhost:7071'),
    headers: init.bareHeaders ? { get: (name) => headers.get(name) } : headers,
    async body(limit) {
      if (bytes.byteLength > limit) throw new KernelError('payload_too_large', `the request body is larger than ${limit} bytes`);
      return bytes;
    },
    signal: init.signal ?? new AbortController().signal,
  };
}

export interface SentResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  json(): unknown;
}

/** Calls the API with `Authorization: Bearer <token>` when a token is given. */
export async function send(fixture: Pick<ApiFixture, 'api'>, method: string, path: string, init: RequestInit & { token?: string } = {}): Promise<SentResponse> {
  const headers = { ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }), ...init.headers };
  const response = await fixture.api.handle(apiRequest(method, path, { ...init, headers }));
  return toSent(response);
}

export function toSent(response: ApiResponse): SentResponse {
  assert.ok(!('stream' in response), 'expected a plain response, got a stream');
  const body = response.body;
  const text = body === undefined ? '' : typeof body === 'string' ? body : new TextDecoder().decode(body);
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as unknown };
}

export interface ProblemShape {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: Array<{ pointer?: string; field?: string; reason: string }>;
}

/** Asserts an RFC 9457 problem with `status`; `where` must name one of the listed errors. */
export function assertProblem(response: SentResponse, status: number, where?: { pointer: string } | { field: string }): ProblemShape {
  assert.equal(response.status, status, response.text);
  assert.equal(response.headers['content-type'], 'application/problem+json');
  const problem = response.json() as ProblemShape;
  assert.equal(problem.status, status);
  assert.equal(typeof problem.type, 'string');
  assert.equal(typeof problem.title, 'string');
  assert.equal(typeof problem.detail, 'string');
  assert.ok(problem.detail.length > 0);
  if (where) {
    const errors = problem.errors ?? [];
    const found = errors.find((error) => ('pointer' in where ? error.pointer === where.pointer : error.field === where.field));
    assert.ok(found, `expected an error at ${JSON.stringify(where)} in ${JSON.stringify(errors)}`);
    assert.ok(found.reason.length > 0);
  }
  return problem;
}

export async function assertNothingStored(fixture: ApiFixture, userId = 'alice'): Promise<void> {
  assert.equal(await fixture.queue.depth(), 0, 'nothing may be queued');
  assert.deepEqual(await fixture.store.list(userId, { limit: 500 }), [], 'nothing may be stored');
}

/** A valid structured-mode CloudEvent. */
export function cloudEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { specversion: '1.0', id: 'e1', type: 'demo.ping', source: '/test', data: { n: 1 }, ...overrides };
}

export const STRUCTURED = { 'content-type': 'application/cloudevents+json' };
export const BATCH = { 'content-type': 'application/cloudevents-batch+json' };
export const PLAIN = { 'content-type': 'application/json' };

/** Runs every queued event once through a processor over the fixture's store (drivers as given). */
export async function processQueued(fixture: ApiFixture, drivers: Driver[]): Promise<void> {
  const processor = new EventProcessor({
    store: fixture.store,
    drivers: createDriverRegistry(drivers),
    authorizer: allowAllAuthorizer,
    clock: fixture.clock,
    logger: silentLogger,
  });
  for (let deliveries = await fixture.queue.receive(10); deliveries.length > 0; deliveries = await fixture.queue.receive(10)) {
    for (const delivery of deliveries) await fixture.queue.settle(delivery, await processor.process(delivery.body, delivery));
  }
}
