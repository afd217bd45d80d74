/**
 * The skill pack manifest (`vextir-pack.yaml` at a pack's root): what a pack is, what it brings,
 * and what it may do. The permissions are the whole of what a grant can allow: the policy engine
 * enforces them on every event the pack's drivers and agents receive or emit, and the sandbox a
 * pack's driver code runs in is built from `runtime` and `network`.
 *
 *   name: weather
 *   version: 1.2.0
 *   description: Weather for your cities, and a warning when it turns severe
 *   author: Vextir OS examples
 *   vextir: ">=0.1.0"
 *   contents:
 *     drivers: [{ module: ./weather-driver.js, options: { units: metric } }]
 *     apps: [./weather-app.yaml]
 *     instructions: [./severe-weather.yaml]
 *   permissions:
 *     events: { receives: [weather.request], emits: [weather.data, weather.severe] }
 *     context: { read: [/Weather], write: [/Weather] }
 *     network: { hosts: [api.open-meteo.com] }
 *     cost: { maxUsdPerDay: 0.5 }
 *
 * Everything not declared is not allowed: no hosts, no context, no models, no tools, no child
 * processes. Paths inside `contents` and `runtime.files` are relative to the pack's root and
 * may not leave it.
 */
import { z } from 'zod';
import { isValidTypePattern } from '../kernel/index.js';

/** A pack's name: what users type (`vextir packs add weather`) and what grants and locks name. */
export const PACK_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
/** A DNS name or `*.example.com` (every subdomain, not the name itself). */
const HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A file inside the pack: relative, no `..` segment, no backslash. */
const packFileSchema = z
  .string()
  .min(1)
  .max(512)
  .refine((path) => !path.startsWith('/') && !path.includes('\\') && !path.split('/').some((segment) => segment === '..'), {
    message: 'must be a path inside the pack (relative, without "..")',
  });

const typePatternSchema = z.string().refine(isValidTypePattern, 'must be an event type, a "prefix.*" pattern or "*"');
/** A context folder or document: the grant covers it and everything under it. */
const contextPathSchema = z.string().regex(/^\/[^\n]*$/, 'must be an absolute context path such as "/Weather"').max(1024);
const idListSchema = z.array(z.string().min(1).max(128)).max(200).default([]);

export const packPermissionsSchema = z.strictObject({
  events: z
    .strictObject({
      /** Event types the pack's drivers and agents are given (their capabilities must fit inside). */
      receives: z.array(typePatternSchema).max(200).default([]),
      /** Event types they may emit; anything else is denied and audited. */
      emits: z.array(typePatternSchema).max(200).default([]),
    })
    .prefault({}),
  context: z
    .strictObject({
      read: z.array(contextPathSchema).max(100).default([]),
      write: z.array(contextPathSchema).max(100).default([]),
    })
    .prefault({}),
  network: z
    .strictObject({
      /** Hosts the pack's code may reach, through the host's fetch. None: the pack sends nothing out. */
      hosts: z.array(z.string().toLowerCase().regex(HOST, 'must be a host name such as "api.example.com" or "*.example.com"')).max(100).default([]),
    })
    .prefault({}),
  /** Model registry ids its agents and drivers may call (`model.request`). */
  models: idListSchema,
  /** Tool registry ids (including MCP servers' tools) its agents and drivers may call (`tool.call`). */
  tools: idListSchema,
  /** A ceiling on what the pack may spend per user and day; the grant may lower it. */
  cost: z.strictObject({ maxUsdPerDay: z.number().nonnegative().max(10_000) }).optional(),
  /** What the pack's driver processes may do beyond running their own code. */
  runtime: z
    .strictObject({
      childProcesses: z.boolean().default(false),
      workers: z.boolean().default(false),
      addons: z.boolean().default(false),
      files: z
        .strictObject({
          /** Beyond the pack's own folder, which is always readable. */
          read: z.array(packFileSchema).max(50).default([]),
          write: z.array(packFileSchema).max(50).default([]),
        })
        .prefault({}),
    })
    .prefault({}),
});
export type PackPermissions = z.output<typeof packPermissionsSchema>;

const driverEntrySchema = z.strictObject({ module: packFileSchema, options: z.record(z.string(), z.unknown()).optional() });

export const packManifestSchema = z.strictObject({
  name: z.string().regex(PACK_NAME, 'must be lower-case letters, digits and "-", starting with a letter (at most 64)'),
  version: z.string().regex(SEMVER, 'must be a semantic version such as "1.0.0"'),
  description: z.string().min(1).max(500),
  author: z.string().min(1).max(200),
  /** The Vextir OS versions the pack works with: a semver range such as ">=0.1.0 <2". */
  vextir: z.string().min(1).max(100),
  homepage: z.url().optional(),
  contents: z
    .strictObject({
      /** Driver modules; they run in the pack's sandboxed process. */
      drivers: z.array(driverEntrySchema).max(20).default([]),
      /** Agent definitions (YAML, the agent format). */
      agents: z.array(packFileSchema).max(50).default([]),
      /** Instructions (YAML, the instruction format). */
      instructions: z.array(packFileSchema).max(50).default([]),
      /** UI applications (YAML, the UI app format). */
      apps: z.array(packFileSchema).max(50).default([]),
      /** Policy documents (YAML, the policy format). */
      policies: z.array(packFileSchema).max(50).default([]),
      /** MCP server declarations (YAML, the project file's `mcp_servers` entries). */
      mcp_servers: z.array(packFileSchema).max(20).default([]),
    })
    .prefault({}),
  permissions: packPermissionsSchema.prefault({}),
});
export type PackManifestInput = z.input<typeof packManifestSchema>;
export type PackManifest = z.output<typeof packManifestSchema>;

/** The manifest's file name at a pack's root. */
export const PACK_MANIFEST_FILE = 'vextir-pack.yaml';
