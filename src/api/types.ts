/**
 * The HTTP API's host-neutral types. Handlers are written once against these; the local host
 * (node:http) and the Azure Functions registrations each adapt their own request/response
 * types to them, so both serve exactly the same behaviour.
 */
import type { AuditLog, Clock, ContextStore, DeadLetterQueue, DriverManifest, DriverStatsReport, EventBus, EventStore, Logger } from '../kernel/index.js';
import type { ContextWorkspace } from '../kernel/context/index.js';
import type { ModelListing } from '../registries/models/index.js';
import type { AgentCatalog } from '../registries/agents/index.js';
import type { Scheduler } from '../scheduler/index.js';
import type { PlanSystem } from '../plans/index.js';
import type { ToolRegistry } from '../registries/tools/index.js';
import type { UiAppStore } from '../ui/index.js';
import type { PackSearchHit, PackService } from '../packs/index.js';
import type { ApprovalStore, Authenticator, DelayedEvents, GrantStore, PolicyAuthorizer, PolicyRepository, UsageCounters } from '../security/index.js';

export interface ApiRequest {
  method: string;
  /** Absolute URL; the path starts with `/api/` (or `/apps/`, the UI applications' pages). */
  url: URL;
  /** Case-insensitive header lookup (a WHATWG `Headers` satisfies this). */
  headers: {
    get(name: string): string | null;
    /**
     * Every header (a WHATWG `Headers` has it). Optional so a host may pass a bare lookup, but
     * without it binary-mode ingest cannot name and refuse unknown `ce-*` attributes.
     */
    forEach?(callback: (value: string, name: string) => void): void;
  };
  /** Reads the whole body; throws KernelError `payload_too_large` past `limit` bytes without reading further. */
  body(limit: number): Promise<Uint8Array>;
  /** Aborted when the client goes away (ends SSE streams). */
  signal: AbortSignal;
}

export type ApiResponse =
  | { status: number; headers: Record<string, string>; body?: string | Uint8Array }
  /** A streamed body (Server-Sent Events); the host writes chunks as they come and ends when the iterable does. */
  | { status: number; headers: Record<string, string>; stream: AsyncIterable<string> };

export interface DriverStatus {
  manifest: DriverManifest;
  /** Counters, latency over the last runs, when the last one ended and the health they add up to (per instance). */
  stats: DriverStatsReport;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  mode: 'local' | 'azure';
  version: string;
  uptimeSeconds: number;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/** What the API reports and serves of the process's metrics (`GET /api/metrics`). */
export interface ApiMetrics {
  eventIngested(type: string): void;
  render(): Promise<{ contentType: string; body: string }>;
}

/** An agent run as GET /api/agents/runs/{id} shows it; the runtime (src/drivers/agent-runtime) owns the full shape. */
export interface AgentRunView {
  id: string;
  steps: Array<{ requestId: string; toolCalls: Array<{ eventId?: string | undefined }> }>;
}

/** One line of GET /api/agents/runs; the runtime builds it (src/drivers/agent-runtime/run-index.ts). */
export interface AgentRunSummary {
  id: string;
  agent: string;
  status: string;
  trigger: { id: string; type: string };
  startedAt: string;
  updatedAt: string;
  steps: number;
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  model?: string;
  error?: { code: string; message: string };
}

/** Reads a user's agent runs. */
export interface AgentRunReader {
  get(userId: string, runId: string): Promise<AgentRunView | undefined>;
  /** Newest first; `cursor` (present while a page is full) is the `after` of the next page. */
  list(userId: string, options: { limit: number; after?: string }): Promise<{ runs: AgentRunSummary[]; cursor?: string }>;
}

/** Everything the handlers need, provided by the core every host composes (src/wiring/core.ts). */
export interface ApiServices {
  bus: EventBus;
  /** The bus's dead letters, for the admin endpoints. */
  deadLetters: DeadLetterQueue;
  store: EventStore;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  authenticator: Authenticator;
  metrics: ApiMetrics;
  drivers(): DriverStatus[];
  /** The model registry as `GET /api/models` lists it (no keys). */
  models(): ModelListing[];
  health(): Promise<HealthReport>;
  /** Resolves when `userId`'s stored events may have changed (wakes their SSE streams early) or after `maxWaitMs`. */
  waitForChanges(userId: string, maxWaitMs: number, signal: AbortSignal): Promise<void>;
  limits: ApiLimits;
  /** Bus and store commit in one transaction (embedded default): see IngressDeps.sharedCommit. */
  sharedCommit?: boolean;
  security: SecurityServices;
  /** The context hub's store (/api/context). */
  context: ContextStore;
  /** Gives a user their starting folders and welcome document on their first use of the hub. */
  contextWorkspace: ContextWorkspace;
  agentRuns: AgentRunReader;
  /** Agent definitions: built-in, the project's, and each user's own (/api/agents). */
  agents: AgentCatalog;
  /** Users' schedules (/api/schedules). */
  schedules: Scheduler;
  /** Instructions and the plans they run (src/plans). */
  plans: PlanSystem;
  /** The tool registry: /api/mcp offers some of its native tools to MCP clients. */
  tools: ToolRegistry;
  /** Users' UI applications (/api/ui-apps, the pages under /apps). */
  uiApps: UiAppStore;
  /** Skill packs (/api/packs): the lifecycle, and the registry's search. */
  packs: { service: PackService; search(text: string): Promise<PackSearchHit[]> };
}

/** Policies, approvals and grants: the rules the authorizer applies, and the authorizer for dry runs. */
export interface SecurityServices {
  policies: PolicyRepository;
  approvals: ApprovalStore;
  grants: GrantStore;
  usage: UsageCounters;
  /** Each user's throttled events not yet run: POST /api/events refuses more past `limits.maxDelayedEvents`. */
  delayed: DelayedEvents;
  authorizer: PolicyAuthorizer;
}

export interface ApiLimits {
  /** Largest accepted request body in bytes (default 256 KiB). */
  maxBodyBytes: number;
  /** Most events in one batch (default 100). */
  maxBatchSize: number;
  /** How often an idle SSE stream polls the store and sends a heartbeat. */
  streamPollMs: number;
  streamHeartbeatMs: number;
  /**
   * The shortest time between two reads of one stream (coalesces bursts of changes). 2 ms: a
   * stream wakes only for its own user's settles, so a short floor costs queries only to the
   * streams of users whose events are settling, and takes ~3 ms off the median seen on the stream.
   */
  streamMinIntervalMs: number;
  /** Largest context document in bytes as stored (VEXTIR_CONTEXT_MAX_DOC_BYTES; default 1 MiB). */
  maxContextDocumentBytes: number;
  /** How long an MCP tool call (POST /api/mcp) waits for its event's answer before giving the client the event id instead. */
  mcpAnswerWaitMs: number;
  /**
   * Ingress backpressure (VEXTIR_MAX_DELAYED_EVENTS): once this many of a user's events wait for a
   * throttle, POST /api/events and the MCP server refuse more (429) until some have run.
   */
  maxDelayedEvents: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  maxBodyBytes: 256 * 1024,
  maxBatchSize: 100,
  streamPollMs: 1000,
  streamHeartbeatMs: 15_000,
  streamMinIntervalMs: 2,
  maxContextDocumentBytes: 1024 * 1024,
  mcpAnswerWaitMs: 30_000,
  maxDelayedEvents: 10_000,
};

/** The API as one function: route, authenticate, handle, and turn every error into problem+json. */
export interface Api {
  handle(request: ApiRequest): Promise<ApiResponse>;
}
