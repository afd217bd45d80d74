/**
 * The environment, parsed once. Every setting Vextir OS reads is named here and nowhere else;
 * the README's configuration table and local.settings.sample.json list the same names.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseHostMap, type HostMap } from './packs/sandbox/host-map.js';
import { DEFAULT_ADMIN_ROLE } from './security/roles.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** `true` or `false`, nothing else: z.coerce.boolean() would read "false" as true. */
const flag = () => z.enum(['true', 'false']).default('false').transform((value) => value === 'true');
/** Optional text where empty means unset: the Bicep writes '' for a setting the deployment does not use. */
const optionalText = () => z.string().optional().transform((value) => (value === '' ? undefined : value));
const optionalUrl = () => optionalText().pipe(z.url({ protocol: /^https?$/ }).optional());

/** `gpt-4.1-mini=prod-mini,gpt-4o=gpt-4o`: our model id -> the Azure OpenAI deployment name. */
const deploymentsSchema = optionalText().transform((value, issues) => {
  const deployments: Record<string, string> = {};
  for (const pair of (value ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    const [id = '', deployment = id, ...extra] = pair.split('=').map((part) => part.trim());
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(id) || deployment === '' || extra.length > 0) {
      issues.addIssue({ code: 'custom', message: `"${pair}" is not <model id>=<deployment name>` });
      return z.NEVER;
    }
    deployments[id] = deployment;
  }
  return deployments;
});

/** `api.github.com=127.0.0.1:8080,...`: declared pack hosts pinned to addresses (src/packs/sandbox/host-map.ts). */
const hostMapSchema = optionalText().transform((value, issues) => {
  try {
    return parseHostMap(value ?? '');
  } catch (error) {
    issues.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
});

/** Names a model entry's `apiKeySetting` may have (src/registries/models/schema.ts says why). */
const API_KEY_SETTING = /^[A-Z][A-Z0-9_]{0,100}_API_KEY$/;
/** Names a webhook channel's `secretSetting` or a mailbox's `passwordSetting` may have: never an arbitrary variable. */
const IO_SECRET_SETTING = /^[A-Z][A-Z0-9_]{0,100}_(SECRET|PASSWORD)$/;

const envSchema = z.object({
  /** `local`: the embedded default (SQLite, dev tokens). `azure`: Service Bus + Cosmos DB + Entra ID. */
  VEXTIR_MODE: z.enum(['local', 'azure']).default('local'),
  /** Embedded default: where the SQLite file, the dev-token secret and the host lock live. */
  VEXTIR_DATA_DIR: z.string().min(1).default('.vextir'),
  /** The project file listing driver modules (JSON or YAML); optional. */
  VEXTIR_CONFIG: z.string().min(1).default('vextir.config.yaml'),
  VEXTIR_HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(7071),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `pretty` for people, `json` for machines; default: pretty on a terminal. */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  /** SQLite durability: NORMAL survives a process crash; FULL also survives power loss (slower). */
  VEXTIR_SQLITE_SYNC: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  VEXTIR_MAX_DELIVERY_COUNT: int(1, 1000).default(10),
  VEXTIR_MAX_DEPTH: int(1, 1000).default(64),
  VEXTIR_RETRY_BASE_MS: int(0, 3_600_000).default(1000),
  VEXTIR_RETRY_MAX_MS: int(0, 86_400_000).default(300_000),
  /** Embedded queue: how long a leased message stays invisible to other consumers. */
  VEXTIR_LOCK_MS: int(1000, 3_600_000).default(300_000),
  /** Events in flight in the local host; more per group commit amortizes commits (measured: 64 -> 256 +10% throughput). */
  VEXTIR_WORKER_CONCURRENCY: int(1, 10_000).default(256),
  /**
   * Embedded host: worker threads that process events beside the thread serving HTTP, each with
   * its own SQLite connection to the same file. 0 processes in the HTTP thread. Default: one per
   * core but one (the HTTP thread keeps a core), at least one.
   */
  VEXTIR_PROCESSOR_THREADS: int(0, 64).optional(),
  VEXTIR_SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  VEXTIR_MAX_BODY_BYTES: int(1024, 16 * 1024 * 1024).default(256 * 1024),
  VEXTIR_MAX_BATCH: int(1, 10_000).default(100),
  /**
   * Ingress backpressure: once this many of a user's events wait for a throttle policy (delayed,
   * not yet run), POST /api/events and the MCP server answer 429 until some have run.
   */
  VEXTIR_MAX_DELAYED_EVENTS: int(1, 10_000_000).default(10_000),
  /** The context hub: the largest document (bytes of its JSON or text), and earlier versions kept per document. */
  VEXTIR_CONTEXT_MAX_DOC_BYTES: int(1024, 16 * 1024 * 1024).default(1024 * 1024),
  VEXTIR_CONTEXT_VERSIONS: int(0, 1000).default(10),
  /**
   * Azure: Service Bus. The names are the ones the Functions host reads for the trigger's
   * `connection: "ServiceBusConnection"`, so one setting serves the trigger and the sender:
   * the namespace with managed identity, or a connection string.
   */
  ServiceBusConnection__fullyQualifiedNamespace: z.string().min(1).optional(),
  ServiceBusConnection: z.string().min(1).optional(),
  SERVICEBUS_QUEUE: z.string().min(1).default('events'),
  /** Azure: Cosmos DB for NoSQL. Without COSMOS_KEY the managed identity is used. */
  COSMOS_ENDPOINT: z.url().optional(),
  COSMOS_KEY: z.string().min(1).optional(),
  COSMOS_DATABASE: z.string().min(1).default('vextir'),
  /**
   * Azure: Microsoft Entra ID tokens accepted by the API: the tenant (directory) id, a GUID that
   * pins the issuer, and the API's audience (its client id or App ID URI; see src/security/entra.ts).
   */
  ENTRA_TENANT_ID: z.guid().transform((id) => id.toLowerCase()).optional(),
  ENTRA_AUDIENCE: z.string().min(1).optional(),
  /** The app role (Entra `roles` claim, or a dev token's `--role`) that makes a caller an admin. */
  VEXTIR_ADMIN_ROLE: z.string().regex(/^\S{1,120}$/, 'must be 1-120 characters without spaces').default(DEFAULT_ADMIN_ROLE),
  /**
   * Azure only: authenticate requests without a bearer token from App Service authentication's
   * `X-MS-CLIENT-PRINCIPAL` header. Only safe with the platform's authentication module enabled
   * (it strips client-sent copies of the header), so it is refused unless WEBSITE_AUTH_ENABLED says so.
   */
  VEXTIR_TRUST_APP_SERVICE_AUTH: flag(),
  /**
   * A YAML or JSON policy document that is the global policy set at start-up (policy as code).
   * Empty or unset: the default policies are installed once, then managed through the API.
   */
  /** The npm registry skill packs are installed from and searched in (`vextir packs add|search`). */
  VEXTIR_PACK_REGISTRY: z.url({ protocol: /^https?$/ }).default('https://registry.npmjs.org/'),
  /** Where installed packs' files are extracted (`<dir>/<name>/<version>/`); default `<VEXTIR_DATA_DIR>/packs`. On Azure: a folder of the instance (re-extracted from the lock when missing). */
  VEXTIR_PACKS_DIR: optionalText(),
  /**
   * Where pack drivers' fetches of declared hosts go (an internal mirror or proxy, an air-gapped
   * install, a test server): `host=[http://|https://]address[:port],...`. Only hosts a pack
   * declares are fetched at all; a pinned address may be internal (docs/pack-sandbox.md).
   */
  VEXTIR_PACK_HOST_MAP: hostMapSchema,
  VEXTIR_POLICY_FILE: z.string().optional().transform((value) => (value === '' ? undefined : value)),
  /** How long an instance reuses a compiled policy set before reading the store again. */
  VEXTIR_POLICY_CACHE_MS: int(0, 3_600_000).default(2000),
  /**
   * Model providers (the built-in `models` driver). A provider's models are available once its
   * key (or, for Azure OpenAI, its endpoint and a key or the host's managed identity) is set.
   * The base URLs override the public endpoints (a proxy, a test server).
   */
  OPENAI_API_KEY: optionalText(),
  OPENAI_BASE_URL: optionalUrl(),
  ANTHROPIC_API_KEY: optionalText(),
  ANTHROPIC_BASE_URL: optionalUrl(),
  /** `https://<resource>.openai.azure.com`. Without AZURE_OPENAI_API_KEY the Azure host signs in with its managed identity. */
  AZURE_OPENAI_ENDPOINT: optionalUrl(),
  AZURE_OPENAI_API_KEY: optionalText(),
  /** Which built-in models have an Azure deployment: `gpt-4.1-mini=my-deployment,...`; each becomes model `azure-<id>`. */
  AZURE_OPENAI_DEPLOYMENTS: deploymentsSchema,
  /** How long one call to a model provider may take before the next candidate model is tried. */
  VEXTIR_MODEL_TIMEOUT_MS: int(100, 600_000).default(60_000),
  /** How long an instance reuses a user's agent definitions to route events to them (as the policy cache does). */
  VEXTIR_AGENT_CACHE_MS: int(0, 3_600_000).default(2000),
  /** How often this process fires due schedule slots (0: not here, e.g. a Function App whose timer function does it). */
  VEXTIR_SCHEDULER_TICK_MS: int(0, 3_600_000).default(1000),
  VEXTIR_MAX_SCHEDULES: int(1, 1_000_000).default(1000),
  /**
   * IO drivers: the SMTP server `email.send` goes through (unset SMTP_HOST: email.send is answered
   * `email.failed` not_configured). SMTP_TLS: `starttls` (required, the default), `implicit`
   * (TLS from the first byte, usually port 465) or `none` (a relay on loopback only). SMTP_CA_FILE:
   * a PEM file of certificates to trust besides the system's (a private CA).
   */
  SMTP_HOST: optionalText(),
  SMTP_PORT: int(1, 65535).default(587),
  SMTP_TLS: z.enum(['starttls', 'implicit', 'none']).default('starttls'),
  SMTP_USER: optionalText(),
  SMTP_PASSWORD: optionalText(),
  SMTP_FROM: optionalText(),
  SMTP_CA_FILE: optionalText(),
  /**
   * Traces (OpenTelemetry's own names): spans go over OTLP/HTTP to `<endpoint>/v1/traces` when the
   * endpoint is set; OTEL_EXPORTER_OTLP_HEADERS is `key=value,...` (values URL-encoded), e.g. an
   * API key. OTEL_SDK_DISABLED=true turns tracing off whatever else is set.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(),
  OTEL_EXPORTER_OTLP_HEADERS: optionalText(),
  OTEL_SERVICE_NAME: optionalText().transform((value) => value ?? 'vextir-os'),
  OTEL_SDK_DISABLED: flag(),
  /** Azure: Application Insights. Set (by the Bicep), the Azure host exports traces there through Azure Monitor. */
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText(),
  /** CLI: the server to talk to, the token to send, the user to mint a local dev token for. */
  VEXTIR_URL: z.url().optional(),
  VEXTIR_TOKEN: z.string().min(1).optional(),
  VEXTIR_USER: z.string().min(1).optional(),
  /** CLI: any non-empty value turns colour off (https://no-color.org); colour is also off when stdout is no terminal. */
  NO_COLOR: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

/**
 * Read-only variables the platform injects: read to check a setting against them, never set by
 * us (so neither provisioned nor listed with the settings above).
 */
const platformSchema = z.object({
  /** App Service: `True` when its authentication module is enabled for the app. */
  WEBSITE_AUTH_ENABLED: z.string().optional(),
});

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
