/**
 * The general components of the format: events, context documents, charts, text and forms.
 * The operator's components (plans, agent runs, drivers, dead letters...) are in
 * schema-operator.ts; src/ui/schema.ts puts both in one table.
 */
import { z } from 'zod';
import { base, eventType, formFields, id, template, typePattern, window } from './schema-parts.js';

export const eventStream = z.strictObject({
  ...base,
  type: z.literal('event_stream'),
  filter: z.array(typePattern).min(1).max(50),
  display: z.enum(['timeline', 'table']).default('timeline'),
  limit: z.number().int().min(1).max(500).default(50),
  /** One card per event; `{{data.location}}` placeholders are filled as text. */
  template: template.optional(),
  /** A filter bar (type, status, time range, search; the user for admins) and "load more" paging. */
  controls: z.boolean().default(false),
  /** Each event opens the application's event_detail page. */
  link: z.boolean().default(false),
});

export const contextView = z.strictObject({
  ...base,
  type: z.literal('context_view'),
  path: z.string().regex(/^\/[^\n]{0,1023}$/, 'must be a context path such as "/Tasks/Active"'),
  display: z.enum(['cards', 'table', 'document']).default('cards'),
  /** Seconds between reloads; without it, loaded once (and on live events). */
  refresh: z.number().int().min(5).max(86_400).optional(),
  template: template.optional(),
});

export const chart = z.strictObject({
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

export const markdown = z.strictObject({ ...base, type: z.literal('markdown'), content: z.string().max(65_536) });

export const metric = z.strictObject({
  ...base,
  type: z.literal('metric'),
  event: typePattern,
  window: window.default('24h'),
  label: z.string().max(200).optional(),
});

export const form = z.strictObject({
  ...base,
  type: z.literal('form'),
  emit_event: z.strictObject({ type: eventType }),
  fields: formFields,
  submit_label: z.string().max(100).optional(),
});

/** A button for one of the application's `actions` (by id). */
export const action = z.strictObject({ ...base, type: z.literal('action'), action: id });
