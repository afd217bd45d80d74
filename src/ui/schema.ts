/**
 * The UI application format (`type: ui_application`): components over the user's events and
 * context, laid out on one page or on several (`pages`, shown as tabs), stored as data and
 * rendered by one static client (src/ui/assets). Everything is checked here, when the
 * application is submitted: an unknown component type or a bad field is a 400 naming it
 * (`/components/2/type`, `/pages/1/components/0/limit`), never a surprise at render time.
 */
import { z } from 'zod';
import { action, chart, contextView, eventStream, form, markdown, metric } from './schema-components.js';
import { agentRuns, approvalList, deadLetters, driverTable, eventDetail, planGraph, planList, scheduleTable, usageChart } from './schema-operator.js';
import { describeIssue, eventType, formFields, id, typePattern, type fieldSchema } from './schema-parts.js';

export { describeIssue } from './schema-parts.js';

/** `/dashboard/tasks`: lower-case segments. `_…` is the pages' own (`/apps/_assets`). */
const PATH = /^(\/[a-z0-9][a-z0-9_-]{0,63}){1,8}$/;
/** The built-in operator's dashboard's id and first path segment: no user application may take them. */
export const SYSTEM_APP_ID = 'system';

const COMPONENTS = {
  event_stream: eventStream,
  context_view: contextView,
  chart,
  markdown,
  metric,
  form,
  action,
  event_detail: eventDetail,
  plan_list: planList,
  plan_graph: planGraph,
  agent_runs: agentRuns,
  driver_table: driverTable,
  schedule_table: scheduleTable,
  approval_list: approvalList,
  dead_letters: deadLetters,
  usage_chart: usageChart,
} as const;
export const COMPONENT_TYPES = Object.keys(COMPONENTS) as Array<keyof typeof COMPONENTS>;
export type UiComponent = z.output<(typeof COMPONENTS)[keyof typeof COMPONENTS]>;

/** Dispatches on `type` first, so an unknown type is one issue at `/components/N/type` that lists the known ones. */
const component = z.unknown().transform((value, ctx): UiComponent => {
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
const components = z.array(component).min(1).max(50);

/** A tab: `#/<id>` shows it, `#/<id>/<item id>` shows it with an item (an event, a plan, a run) chosen. */
const pageSchema = z.strictObject({
  id,
  title: z.string().min(1).max(100),
  /** Shown to admins only (the API refuses what its components read to anyone else). */
  admin: z.boolean().default(false),
  components,
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

/** Where a component links to: the detail component whose page opens. */
const LINK_TARGETS: Partial<Record<UiComponent['type'], UiComponent['type']>> = { event_stream: 'event_detail', plan_list: 'plan_graph' };

function applicationSchema(builtIn: boolean) {
  return z
    .strictObject({
      type: z.literal('ui_application'),
      id: builtIn ? id : id.refine((value) => value !== SYSTEM_APP_ID, 'must not be "system" (the built-in operator\'s dashboard): choose another id'),
      name: z.string().min(1).max(200),
      description: z.string().max(2000).optional(),
      path: z
        .string()
        .regex(PATH, 'must be a path such as "/dashboard/tasks": 1-8 lower-case segments of letters, digits, "_" or "-"')
        .refine((value) => builtIn || value.split('/')[1] !== SYSTEM_APP_ID, 'must not start with /system (the operator\'s dashboard): choose another path, such as /ops'),
      layout: z.strictObject({ type: z.literal('grid'), columns: z.number().int().min(1).max(12).default(3) }).default({ type: 'grid', columns: 3 }),
      /** One page of components, or `pages` of them; not both. */
      components: components.optional(),
      pages: z.array(pageSchema).min(1).max(20).optional(),
      subscribed_events: z.array(typePattern).max(50).default([]),
      actions: z.array(actionSchema).max(20).default([]),
    })
    .superRefine((app, ctx) => {
      if (app.components === undefined && app.pages === undefined) ctx.addIssue({ code: 'custom', path: ['components'], message: 'is required (or pages: a list of {id, title, components})' });
      if (app.components !== undefined && app.pages !== undefined) ctx.addIssue({ code: 'custom', path: ['pages'], message: 'cannot be given with components: an application has either components or pages' });
      const placed = placements(app);
      unique(placed.map(({ component: c, path }) => [c.id, path]), ctx);
      unique((app.pages ?? []).map((page, index) => [page.id, ['pages', index]]), ctx);
      unique(app.actions.map((a, index) => [a.id, ['actions', index]]), ctx);
      const actions = new Set(app.actions.map((a) => a.id));
      const types = new Set(placed.map(({ component: c }) => c.type));
      for (const { component: c, path } of placed) {
        if (c.type === 'action' && !actions.has(c.action)) ctx.addIssue({ code: 'custom', path: [...path, 'action'], message: `must name one of the application's actions (${[...actions].join(', ') || 'it has none'})` });
        const target = LINK_TARGETS[c.type];
        if (target !== undefined && 'link' in c && c.link && !types.has(target)) ctx.addIssue({ code: 'custom', path: [...path, 'link'], message: `needs a ${target} component in the application to open` });
      }
    });
}

/** Users' applications: the system dashboard's id and path are kept. */
export const uiApplicationSchema = applicationSchema(false);
/** The built-in applications (src/ui/system-app.ts), which may use them. */
export const builtInApplicationSchema = applicationSchema(true);

/** Every component with its place in the document (`['pages', 1, 'components', 0]`). */
function placements(app: { components?: UiComponent[] | undefined; pages?: Array<{ components: UiComponent[] }> | undefined }): Array<{ component: UiComponent; path: PropertyKey[] }> {
  if (app.pages !== undefined) return app.pages.flatMap((page, p) => page.components.map((c, i) => ({ component: c, path: ['pages', p, 'components', i] })));
  return (app.components ?? []).map((c, i) => ({ component: c, path: ['components', i] }));
}

/** Every component of an application, on whichever page. */
export function allComponents(app: UiApplication): UiComponent[] {
  return placements(app).map(({ component: c }) => c);
}

function unique(entries: ReadonlyArray<[string, PropertyKey[]]>, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const [value, path] of entries) {
    if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `repeats the id "${value}"` });
    seen.add(value);
  }
}

export type UiApplication = z.output<typeof uiApplicationSchema>;
export type UiPage = NonNullable<UiApplication['pages']>[number];
export type UiFormField = z.output<typeof fieldSchema>;
