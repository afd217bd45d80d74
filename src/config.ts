/**
 * The environment, parsed once. Every setting Vextir OS reads is named in src/settings.ts and
 * nowhere else (the README's configuration table and local.settings.sample.json list the same
 * names); this turns the parsed settings into the Config the rest of the code reads.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import type { HostMap } from './packs/sandbox/host-map.js';
import { API_KEY_SETTING, envSchema, IO_SECRET_SETTING, platformSchema, type Env } from './settings.js';

export interface Config {
  mode: 'local' | 'azure';
  dataDir: string;
  configFile: string;
  http: { host: string; port: number };
  log: { level: Env['LOG_LEVEL']; format: 'pretty' | 'json' };
  sqlite: { synchronous: 'NORMAL' | 'FULL' };
  processor: { maxDeliveryCount: number; maxDepth: number; retryBaseMs: number; retryMaxMs: number };
  /** `threads`: processor threads of the embedded host (0: in the HTTP thread); `concurrency` is per thread. */
  worker: { concurrency: number; lockMs: number; shutdownGraceMs: number; threads: number };
  api: { maxBodyBytes: number; maxBatchSize: number; maxDelayedEvents: number };
  context: { maxDocumentBytes: number; versionsKept: number };
  cli: { url: string | undefined; token: string | undefined; user: string | undefined; color: boolean };
  auth: { adminRole: string };
  policies: { file: string | undefined; cacheMs: number };
  /** Skill packs: the registry, the folder their files are extracted to, the operator's pins of declared hosts. */
  packs: { registry: string; dir: string; hostMap: HostMap };
  models: ModelsConfig;
  agents: { cacheMs: number };
  scheduler: { tickMs: number; maxPerUser: number };
  io: IoConfig;
  mcp: McpConfig;
  /** Undefined: tracing is off (nothing of OpenTelemetry is loaded). */
  tracing: TracingConfig | undefined;
  azure: AzureConfig | undefined;
  /**
   * The settings this configuration was parsed from (string values only). A processor thread
   * parses them again: a Config holds functions, which cannot be sent to another thread.
   */
  source: Readonly<Record<string, string>>;
}

/** Where spans go; at least one of `otlp` and `azureMonitor` is set. */
export interface TracingConfig {
  serviceName: string;
  otlp: { endpoint: string; headers: Record<string, string> } | undefined;
  /** Only on Azure (VEXTIR_MODE=azure): the embedded default never loads an Azure SDK. */
  azureMonitor: { connectionString: string } | undefined;
}

export interface McpConfig {
  /**
   * The value of a setting the project file's mcp_servers name as `${NAME}` (a bearer token, an
   * API key for a server's environment): operators write that file, so any upper-case name may
   * be referenced; event data never can. Read here so nothing else touches the environment.
   */
  setting: (name: string) => string | undefined;
}

export interface IoConfig {
  smtp: { host: string; port: number; tls: 'starttls' | 'implicit' | 'none'; user: string | undefined; password: string | undefined; from: string | undefined; caFile: string | undefined } | undefined;
  /** The value of a setting a channel or mailbox names (only `*_SECRET` and `*_PASSWORD` names). */
  setting: (name: string) => string | undefined;
}

export interface ModelsConfig {
  openai: { apiKey: string | undefined; baseUrl: string | undefined };
  anthropic: { apiKey: string | undefined; baseUrl: string | undefined };
  azureOpenAi: { endpoint: string | undefined; apiKey: string | undefined; deployments: Record<string, string> };
  timeoutMs: number;
  /**
   * The value of a setting a model entry names as its `apiKeySetting` (only `*_API_KEY` names;
   * anything else is undefined). Read here so nothing outside this module touches the environment.
   */
  setting: (name: string) => string | undefined;
}

export interface AzureConfig {
  serviceBus: { namespace: string | undefined; connectionString: string | undefined; queue: string };
  cosmos: { endpoint: string; key: string | undefined; database: string };
  entra: { tenantId: string; audience: string };
  /** VEXTIR_TRUST_APP_SERVICE_AUTH, checked against the platform at load. */
  trustAppServiceAuth: boolean;
}

/** Parse the environment, or throw an error that names every bad setting. */
export function loadConfig(env: Record<string, string | undefined>, isTerminal = false): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (e.VEXTIR_TRUST_APP_SERVICE_AUTH && e.VEXTIR_MODE !== 'azure') {
    // Refused rather than ignored: a local host has no front end that strips client-sent principal headers.
    throw new Error('invalid configuration: VEXTIR_TRUST_APP_SERVICE_AUTH=true applies only to VEXTIR_MODE=azure');
  }
  const azure = e.VEXTIR_MODE === 'azure' ? azureConfig(e, platformSchema.parse(env)) : undefined;
  return {
    mode: e.VEXTIR_MODE,
    dataDir: e.VEXTIR_DATA_DIR,
    configFile: e.VEXTIR_CONFIG,
    http: { host: e.VEXTIR_HOST, port: e.PORT },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? (isTerminal ? 'pretty' : 'json') },
    sqlite: { synchronous: e.VEXTIR_SQLITE_SYNC },
    processor: {
      maxDeliveryCount: e.VEXTIR_MAX_DELIVERY_COUNT,
      maxDepth: e.VEXTIR_MAX_DEPTH,
      retryBaseMs: e.VEXTIR_RETRY_BASE_MS,
      retryMaxMs: e.VEXTIR_RETRY_MAX_MS,
    },
    worker: {
      concurrency: e.VEXTIR_WORKER_CONCURRENCY,
      lockMs: e.VEXTIR_LOCK_MS,
      shutdownGraceMs: e.VEXTIR_SHUTDOWN_GRACE_MS,
      threads: e.VEXTIR_PROCESSOR_THREADS ?? Math.max(1, availableParallelism() - 1),
    },
    api: { maxBodyBytes: e.VEXTIR_MAX_BODY_BYTES, maxBatchSize: e.VEXTIR_MAX_BATCH, maxDelayedEvents: e.VEXTIR_MAX_DELAYED_EVENTS },
    context: { maxDocumentBytes: e.VEXTIR_CONTEXT_MAX_DOC_BYTES, versionsKept: e.VEXTIR_CONTEXT_VERSIONS },
    cli: { url: e.VEXTIR_URL, token: e.VEXTIR_TOKEN, user: e.VEXTIR_USER, color: isTerminal && (e.NO_COLOR ?? '') === '' },
    auth: { adminRole: e.VEXTIR_ADMIN_ROLE },
    policies: { file: e.VEXTIR_POLICY_FILE, cacheMs: e.VEXTIR_POLICY_CACHE_MS },
    packs: { registry: e.VEXTIR_PACK_REGISTRY, dir: e.VEXTIR_PACKS_DIR ?? join(e.VEXTIR_DATA_DIR, 'packs'), hostMap: e.VEXTIR_PACK_HOST_MAP },
    models: {
      openai: { apiKey: e.OPENAI_API_KEY, baseUrl: e.OPENAI_BASE_URL },
      anthropic: { apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL },
      azureOpenAi: { endpoint: e.AZURE_OPENAI_ENDPOINT, apiKey: e.AZURE_OPENAI_API_KEY, deployments: e.AZURE_OPENAI_DEPLOYMENTS },
      timeoutMs: e.VEXTIR_MODEL_TIMEOUT_MS,
      setting: (name) => (API_KEY_SETTING.test(name) ? env[name] || undefined : undefined),
    },
    agents: { cacheMs: e.VEXTIR_AGENT_CACHE_MS },
    scheduler: { tickMs: e.VEXTIR_SCHEDULER_TICK_MS, maxPerUser: e.VEXTIR_MAX_SCHEDULES },
    io: {
      smtp: e.SMTP_HOST === undefined ? undefined : { host: e.SMTP_HOST, port: e.SMTP_PORT, tls: e.SMTP_TLS, user: e.SMTP_USER, password: e.SMTP_PASSWORD, from: e.SMTP_FROM, caFile: e.SMTP_CA_FILE },
      setting: (name) => (IO_SECRET_SETTING.test(name) ? env[name] || undefined : undefined),
    },
    mcp: { setting: (name) => (/^[A-Z][A-Z0-9_]{0,100}$/.test(name) ? env[name] || undefined : undefined) },
    tracing: tracingConfig(e),
    azure,
    source: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
  };
}

function tracingConfig(e: Env): TracingConfig | undefined {
  if (e.OTEL_SDK_DISABLED) return undefined;
  const otlp = e.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? undefined : { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, headers: otlpHeaders(e.OTEL_EXPORTER_OTLP_HEADERS) };
  const connectionString = e.VEXTIR_MODE === 'azure' ? e.APPLICATIONINSIGHTS_CONNECTION_STRING : undefined;
  const azureMonitor = connectionString === undefined ? undefined : { connectionString };
  return otlp || azureMonitor ? { serviceName: e.OTEL_SERVICE_NAME, otlp, azureMonitor } : undefined;
}

/** OTEL_EXPORTER_OTLP_HEADERS: `key=value` pairs separated by commas, values URL-encoded (the OpenTelemetry convention). */
function otlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      if (pair.trim() !== '') throw new Error('invalid configuration: OTEL_EXPORTER_OTLP_HEADERS: expected key=value pairs separated by commas');
      continue;
    }
    headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

function azureConfig(e: Env, platform: z.infer<typeof platformSchema>): AzureConfig {
  const missing: string[] = [];
  if (!e.ServiceBusConnection__fullyQualifiedNamespace && !e.ServiceBusConnection) {
    missing.push('ServiceBusConnection__fullyQualifiedNamespace (or ServiceBusConnection)');
  }
  if (!e.COSMOS_ENDPOINT) missing.push('COSMOS_ENDPOINT');
  if (!e.ENTRA_TENANT_ID) missing.push('ENTRA_TENANT_ID');
  if (!e.ENTRA_AUDIENCE) missing.push('ENTRA_AUDIENCE');
  if (missing.length > 0) throw new Error(`invalid configuration: VEXTIR_MODE=azure needs ${missing.join(', ')}`);
  if (e.VEXTIR_TRUST_APP_SERVICE_AUTH && platform.WEBSITE_AUTH_ENABLED?.toLowerCase() !== 'true') {
    // Without the module, X-MS-CLIENT-PRINCIPAL reaches us exactly as the client sent it: anyone could be anyone.
    throw new Error('invalid configuration: VEXTIR_TRUST_APP_SERVICE_AUTH=true needs App Service authentication enabled on the app (WEBSITE_AUTH_ENABLED is not "True")');
  }
  return {
    serviceBus: { namespace: e.ServiceBusConnection__fullyQualifiedNamespace, connectionString: e.ServiceBusConnection, queue: e.SERVICEBUS_QUEUE },
    cosmos: { endpoint: e.COSMOS_ENDPOINT ?? '', key: e.COSMOS_KEY, database: e.COSMOS_DATABASE },
    entra: { tenantId: e.ENTRA_TENANT_ID ?? '', audience: e.ENTRA_AUDIENCE ?? '' },
    trustAppServiceAuth: e.VEXTIR_TRUST_APP_SERVICE_AUTH,
  };
}

/** Names of every environment setting this module reads. */
export const CONFIG_SETTING_NAMES: readonly string[] = Object.keys(envSchema.shape);

/**
 * Settings that only the embedded default or the CLI read: the Function App neither needs nor
 * provisions them. Every other setting must be in infra/ and local.settings.sample.json (tested).
 */
export const LOCAL_ONLY_SETTINGS: ReadonlySet<string> = new Set([
  'VEXTIR_DATA_DIR', 'VEXTIR_HOST', 'PORT', 'LOG_FORMAT', 'VEXTIR_SQLITE_SYNC', 'VEXTIR_LOCK_MS',
  'VEXTIR_WORKER_CONCURRENCY', 'VEXTIR_PROCESSOR_THREADS', 'VEXTIR_SHUTDOWN_GRACE_MS', 'VEXTIR_URL', 'VEXTIR_TOKEN', 'VEXTIR_USER',
  'NO_COLOR',
  // Alternatives to the managed-identity settings: possible, never required, not provisioned.
  'ServiceBusConnection', 'COSMOS_KEY',
  // On Azure traces go to Application Insights; an OTLP collector besides it is possible, not provisioned.
  'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS',
]);
