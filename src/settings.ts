/**
 * Every environment setting Vextir OS reads: its name, type, default and bounds (zod), and the
 * platform variables read only to check a setting against them. src/config.ts parses the
 * environment with these once and turns it into the Config the rest of the code reads.
 */
import { z } from 'zod';
import { parseHostMap } from './packs/sandbox/host-map.js';
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
export const API_KEY_SETTING = /^[A-Z][A-Z0-9_]{0,100}_API_KEY$/;
/** Names a webhook channel's `secretSetting` or a mailbox's `passwordSetting` may have: never an arbitrary variable. */
export const IO_SECRET_SETTING = /^[A-Z][A-Z0-9_]{0,100}_(SECRET|PASSWORD)$/;

export const envSchema = z.object({
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
  /** CLI: a non-empty value (whatever it says) turns colour off (https://no-color.org); colour is also off when stdout is no terminal. */
  NO_COLOR: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

/**
 * Read-only variables the platform injects: read to check a setting against them, never set by
 * us (so neither provisioned nor listed with the settings above).
 */
export const platformSchema = z.object({
  /** App Service: `True` when its authentication module is enabled for the app. */
  WEBSITE_AUTH_ENABLED: z.string().optional(),
});
