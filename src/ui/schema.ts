/**
 * The UI application format (`type: ui_application`): a page of components over the user's events
 * and context, stored as data and rendered by one static client (src/ui/assets). Everything is
 * checked here, when the application is submitted: an unknown component type or a bad field is a
 * 400 naming it (`/components/2/type`), never a surprise at render time.
 */
import { z } from 'zod';
import { isValidTypePattern, timeWindowSchema, windowMs } from '../kernel/index.js';
import { checkTemplate } from './template.js';

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** `/dashboard/tasks`: lower-case segments. `_…` is the pages' own (`/apps/_assets`), `system` the operator's dashboard. */
const PATH = /^(\/[a-z0-9][a-z0-9_-]{0,63}){1,8}$/;
const RESERVED_FIRST_SEGMENTS: ReadonlySet<string> = new Set(['system']);

const id = z.string().regex(ID, 'must start with a letter and be at most 64 letters, digits, "_" or "-"');
const typePattern = z.string().refine(isValidTypePattern, 'must be an event type ("task.created"), a prefix ("task.*") or "*"');
const eventType = z.string().refine((value) => value !== '*' && !value.endsWith('.*') && isValidTypePattern(value), 'must be an event type such as "task.create"');
const template = z.string().max(8192).superRefine((value, ctx) => {
  for (const reason of checkTemplate(value)) ctx.addIssue({ code: 'custom', message: reason });
});
/** `7d`, `24h`, `30m`: how far back a chart or metric looks (the kernel's parser, which the aggregate API shares). */
const window = timeWindowSchema;
export { windowMs };

const fieldSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a field name such as "title"'),
  label: z.string().max(200).optional(),
  input: z.enum(['text', 'textarea', 'number', 'select']).default('text'),
  options: z.array(z.string().max(200)).min(1).max(100).optional(),
  required: z.boolean().default(false),
});
/** A form field: a name (`title`) or the full description. */
const formField = z.union([z.string().transform((name, ctx) => {
  const parsed = fieldSchema.safeParse({ name });
  if (!parsed.success) ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'is not a field name' });
  return parsed.success ? parsed.data : z.NEVER;
}), fieldSchema]);
const formFields = z.array(formField).min(1).max(50);

const base = {
  id,
  title: z.string().max(200).optional(),
  /** Grid columns the component spans (at most the layout's). */
  span: z.number().int().min(1).max(12).default(1),
};

const eventStream = z.strictObject({
  ...base,
  type: z.literal('event_stream'),
  filter: z.array(typePattern).min(1).max(50),
  display: z.enum(['timeline', 'table']).default('timeline'),
  limit: z.number().int().min(1).max(500).default(50),
  /** One card per event; `{{data.location}}` placeholders are filled as text. */
  template: template.optional(),
});

const contextView = z.strictObject({
  ...base,
  type: z.literal('context_view'),
  path: z.string().regex(/^\/[^\n]{0,1023}$/, 'must be a context path such as "/Tasks/Active"'),
  display: z.enum(['cards', 'table', 'document']).default('cards'),
  /** Seconds between reloads; without it, loaded once (and on live events). */
  refresh: z.number().int().min(5).max(86_400).optional(),
  template: template.optional(),
});

const chart = z.strictObject({
  ...base,
  type: z.literal('chart'),
  source: z.strictObject({
    type: z.literal('event_aggregate'),
    event: typePattern,
    window: window.default('7d'),
    bucket: z.enum(['hour', 'day']).default('day'),
  }),
  /** `count` per bucket, and the average of `data.duration` (seconds) where events carry one. */
  metrics: z.array(z.enum(['count', 'average_duration'])).min(1).max(2).default(['count']),
  display: z.enum(['line', 'bar']).default('line'),
});

const markdown = z.strictObject({ ...base, type: z.literal('markdown'), content: z.string().max(65_536) });

const metric = z.strictObject({
  ...base,
  type: z.literal('metric'),
  event: typePattern,
  window: window.default('24h'),
  label: z.string().max(200).optional(),
});

const form = z.strictObject({
  ...base,
  type: z.literal('form'),
  emit_event: z.strictObject({ type: eventType }),
  fields: formFields,
  submit_label: z.string().max(100).optional(),
});

/** A button for one of the application's `actions` (by id). */
const action = z.strictObject({ ...base, type: z.literal('action'), action: id });

const COMPONENTS = { event_stream: eventStream, context_view: contextView, chart, markdown, metric, form, action } as const;
export const COMPONENT_TYPES = Object.keys(COMPONENTS) as Array<keyof typeof COMPONENTS>;

/** Dispatches on `type` first, so an unknown type is one issue at `/components/N/type` that lists the known ones. */
const component = z.unknown().transform((value, ctx) => {
  const type = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['type'] : undefined;
  const schema = typeof type === 'string' && Object.hasOwn(COMPONENTS, type) ? COMPONENTS[type as keyof typeof COMPONENTS] : undefined;
  if (schema === undefined) {
    ctx.addIssue({ code: 'custom', path: ['type'], message: `must be one of ${COMPONENT_TYPES.join(', ')}${typeof type === 'string' ? ` (got "${type}")` : ''}` });
    return z.NEVER;
  }
  const parsed = schema.safeParse(value, { error: describeIssue });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') issue.keys.forEach((key) => ctx.addIssue({ code: 'custom', path: [...issue.path, key], message: `is not a field of ${String(type)} components` }));
    else ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
  return z.NEVER;
});

const actionSchema = z.strictObject({
  id,
  label: z.string().min(1).max(100),
  icon: z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be an icon name such as "plus"').optional(),
  emit_event: z.strictObject({
    type: eventType,
    data: z.strictObject({ form_fields: formFields }).default({ form_fields: [{ name: 'text', input: 'text', required: false }] }),
  }),
});

export const uiApplicationSchema = z
  .strictObject({
    type: z.literal('ui_application'),
    id,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    path: z.string().regex(PATH, 'must be a path such as "/dashboard/tasks": 1-8 lower-case segments of letters, digits, "_" or "-"').refine((value) => !RESERVED_FIRST_SEGMENTS.has(value.split('/')[1] ?? ''), 'must not start with /system (the operator\'s dashboard)'),
    layout: z.strictObject({ type: z.literal('grid'), columns: z.number().int().min(1).max(12).default(3) }).default({ type: 'grid', columns: 3 }),
    components: z.array(component).min(1).max(50),
    subscribed_events: z.array(typePattern).max(50).default([]),
    actions: z.array(actionSchema).max(20).default([]),
  })
  .superRefine((app, ctx) => {
    unique(app.components.map((c) => c.id), ['components'], ctx);
    unique(app.actions.map((a) => a.id), ['actions'], ctx);
    const actions = new Set(app.actions.map((a) => a.id));
    app.components.forEach((c, index) => {
      if (c.type === 'action' && !actions.has(c.action)) ctx.addIssue({ code: 'custom', path: ['components', index, 'action'], message: `must name one of the application's actions (${[...actions].join(', ') || 'it has none'})` });
    });
  });

function unique(ids: readonly string[], path: PropertyKey[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  ids.forEach((value, index) => {
    if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [...path, index, 'id'], message: `repeats the id "${value}"` });
    seen.add(value);
  });
}

/** Clearer wording than zod's defaults for missing and mistyped values. */
export function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_value') return `must be ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}`;
  if (issue.code === 'invalid_type') return `must be ${/^[aeiou]/.test(String(issue.expected)) ? 'an' : 'a'} ${String(issue.expected)}`;
  return undefined;
}

export type UiApplication = z.output<typeof uiApplicationSchema>;
export type UiComponent = UiApplication['components'][number];
export type UiFormField = z.output<typeof fieldSchema>;
