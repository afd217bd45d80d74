/**
 * An agent declared as data (the seed's "agent declared as data", its field names kept): what
 * starts a run (`capabilities`), what the model is told (`system_prompt`), what it may call
 * (`tools`), and what the run emits when it is done. The agent runtime compiles a definition into
 * an agent driver whose id is the definition's `id`.
 *
 * Checked here: the shape, and the rules that need no registry (loops between what an agent
 * emits and what starts it, reserved event types, template and path syntax). Tool scopes and
 * `output_schema` are checked against the tool registry and a JSON Schema compiler in parse.ts.
 */
import { z } from 'zod';
import { driverManifestSchema, eventTypeSchema, isValidTypePattern, matchesType } from '../../kernel/index.js';
import { modelCapabilitySchema } from '../models/index.js';
import { isReservedEventType } from '../tools/index.js';
import { isTemplatePath } from './template.js';

/** Default and ceiling of model calls per run: a runaway loop costs at most this many steps. */
export const DEFAULT_MAX_STEPS = 8;
export const MAX_MAX_STEPS = 50;

/** `data.conversationId`, `data.thread.id`, `subject`, `correlationid`: where a trigger event carries its conversation id. */
const CONVERSATION_PATH = /^(subject|correlationid|data(\.[A-Za-z0-9_-]{1,64}){1,8})$/;

const capabilitySchema = z
  .string()
  .max(256)
  .refine((pattern) => pattern !== '*' && isValidTypePattern(pattern), 'must be an event type or a "prefix.*" pattern ("*" would run a model on every event)')
  .refine((pattern) => !isReservedEventType(pattern.replace(/\.\*$/, '')), 'is reserved by the system (error, event.denied, approval.*, policy.*, model.*, agent.*, context.*, mcp.*, tool.*)');

/** A JSON Schema as a JSON object; whether it compiles is checked in parse.ts. */
const jsonSchemaObject = z.record(z.string(), z.unknown()).refine((value) => !Array.isArray(value), 'must be a JSON Schema object');

export const agentDefinitionSchema = z
  .strictObject({
    // `runs` would be shadowed by GET /api/agents/runs (the list of agent runs).
    id: driverManifestSchema.shape.id.refine((id) => id !== 'runs', 'is reserved ("runs": GET /api/agents/runs lists agent runs)'),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    type: z.literal('agent').default('agent'),
    version: driverManifestSchema.shape.version.default('1.0.0'),
    author: z.string().max(200).optional(),
    /** A model id of the model registry; with `requires`, or neither (the registry's default choice for tool use). */
    model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$/, 'must be a model id such as "gpt-4o-mini"').optional(),
    /** Capability requirements the model registry picks a model by, instead of a fixed model. */
    requires: z
      .strictObject({
        capabilities: z.array(modelCapabilitySchema).max(16).optional(),
        minContextTokens: z.number().int().min(1).max(100_000_000).optional(),
      })
      .optional(),
    /** The tool scope: names and patterns (see src/registries/tools/scope.ts). */
    tools: z.array(z.string().min(1).max(300)).max(64).default([]),
    system_prompt: z.string().max(100_000).refine((text) => text.trim() !== '', 'must not be empty'),
    /** Event types (or `prefix.*`) that start a run. */
    capabilities: z.array(capabilitySchema).min(1, 'an agent must start on at least one event type').max(32),
    max_steps: z.number().int().min(1).max(MAX_MAX_STEPS).default(DEFAULT_MAX_STEPS),
    /** The final answer's JSON Schema (structured output); its root must be an object. */
    output_schema: jsonSchemaObject.optional(),
    /** Tools (names or patterns) whose every call by this agent waits for a person's approval. */
    approval: z.strictObject({ tools: z.array(z.string().min(1).max(300)).max(64).default([]) }).optional(),
    /** Where the trigger event carries the conversation id; absent: every run is a conversation of its own. */
    conversation: z.string().regex(CONVERSATION_PATH, 'must be "data.<field>[.<field>...]", "subject" or "correlationid"').optional(),
    /** The first user message: a template with {{data.field}} placeholders; absent: the event type and data, rendered (template.ts). */
    input: z.string().min(1).max(20_000).refine(templatePlaceholdersValid, 'has a placeholder that is not {{type}}, {{id}}, {{source}}, {{subject}}, {{time}}, {{data}} or {{data.<field>...}}').optional(),
    /** Event types of the final answer and of a failure; defaults `<trigger type>.response` and `<trigger type>.error`. */
    emits: z.strictObject({ response: eventTypeSchema.optional(), error: eventTypeSchema.optional() }).optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_output_tokens: z.number().int().min(1).max(1_000_000).optional(),
    enabled: z.boolean().default(true),
  })
  .superRefine((agent, context) => {
    for (const [field, type] of [['response', agent.emits?.response], ['error', agent.emits?.error]] as const) {
      if (type === undefined) {
        const pattern = agent.capabilities.find((capability) => capability.endsWith('.*'));
        if (pattern !== undefined) context.addIssue({ code: 'custom', path: ['emits', field], message: `is required when a capability is a pattern ("${pattern}"): the default "<trigger>.${field}" would start the agent again` });
        for (const trigger of agent.capabilities) {
          const loop = agent.capabilities.find((capability) => matchesType(capability, `${trigger}.${field}`));
          if (loop !== undefined && pattern === undefined) context.addIssue({ code: 'custom', path: ['emits', field], message: `is required: the default "${trigger}.${field}" would start the agent again (capability "${loop}")` });
        }
        continue;
      }
      if (isReservedEventType(type)) context.addIssue({ code: 'custom', path: ['emits', field], message: `"${type}" is reserved by the system` });
      const loop = agent.capabilities.find((capability) => matchesType(capability, type));
      if (loop !== undefined) context.addIssue({ code: 'custom', path: ['emits', field], message: `"${type}" would start the agent again (capability "${loop}")` });
    }
  });

export type AgentDefinitionInput = z.input<typeof agentDefinitionSchema>;
export type AgentDefinition = z.output<typeof agentDefinitionSchema>;

function templatePlaceholdersValid(template: string): boolean {
  return [...template.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].every((match) => isTemplatePath(match[1] ?? ''));
}
