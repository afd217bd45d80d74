/**
 * The policy bench's workload: 20 policies (the 7 defaults + 13 realistic others), the same
 * rules written in Cedar, and a mix of realistic events. Cedar has no doubles (money is its
 * `decimal` extension), no quantifiers and no list size, so the rules that need those read
 * fields both engines get (`to_domains`, `attendee_count`); everything else is the same logic.
 */
import type { PolicyEnvInput } from '../src/security/policy/index.js';

export const BENCH_POLICIES_YAML = `
- { id: deny-shell-exec, name: No shell from events, condition: 'event.type == "tool.shell.exec"', action: deny, priority: 800 }
- { id: deny-deep-chains, name: Chains deeper than 10, condition: 'event.depth > 10', action: deny, priority: 800 }
- id: large-payment
  name: Payments above 10,000
  condition: 'event.type.startsWith("payment.") && has(event.data.amount) && event.data.amount > 10000'
  action: deny
  priority: 700
- id: model-allow-list
  name: Only approved models
  condition: 'model != "" && !(model in ["gpt-4o-mini", "gpt-4o", "claude-3-5-sonnet", "claude-3-haiku", "llama-3-8b"])'
  action: deny
  priority: 700
- id: internal-not-from-api
  name: Internal events are not accepted from the API
  condition: 'event.category == "internal" && event.source.startsWith("/api")'
  action: deny
  priority: 700
- id: webhooks-no-llm
  name: Webhooks do not call models directly
  condition: 'event.source.startsWith("/webhooks/") && event.type.startsWith("llm.")'
  action: deny
  priority: 700
- id: private-keys
  name: No private keys in event data
  condition: 'has(event.data.text) && event.data.text.contains("BEGIN PRIVATE KEY")'
  action: deny
  priority: 650
- id: plan-size
  name: Plans of at most 100 steps
  condition: 'event.type == "plan.created" && has(event.data.step_count) && event.data.step_count > 100'
  action: deny
  priority: 650
- id: external-email
  name: Mail to outside domains needs approval
  condition: 'event.type == "email.send" && has(event.data.to_domains) && event.data.to_domains.exists(d, d != "example.com")'
  action: require_approval
  priority: 600
- id: big-invites
  name: Invites to more than 50 people need approval
  condition: 'event.type == "calendar.invite" && has(event.data.attendee_count) && event.data.attendee_count > 50'
  action: require_approval
  priority: 600
- id: finance-no-web
  name: Finance context stays off the web
  condition: 'context.path.startsWith("/Finance/")'
  action: restrict
  config: { restrictions: { drivers: { deny: [web-search] } } }
  priority: 500
- id: pricey-model-daily
  name: Expensive models after $10 a day
  condition: 'model in ["gpt-4o", "claude-3-5-sonnet"] && usage.cost_today > 10.0'
  action: restrict
  config: { restrictions: { models: { allow: [gpt-4o-mini, claude-3-haiku, llama-3-8b] } } }
  priority: 500
- { id: notify-deletes, name: Deletions, condition: 'event.type.endsWith(".delete") || event.type.endsWith(".purge")', action: notify, config: { to: [user, admin] }, priority: 100 }
`;

/** The same 20 rules for Cedar: forbid mirrors deny, permit the rest (the caller reads `reason`). */
export const CEDAR_POLICIES = `
permit(principal, action, resource);
@id("rate-limit-minute") forbid(principal, action, resource) when { context.usage.events_per_minute > 600 };
@id("rate-limit-day") forbid(principal, action, resource) when { context.usage.events_per_day > 20000 };
@id("monthly-cost-hard-limit") forbid(principal, action, resource) when { context.usage.cost_month.greaterThanOrEqual(decimal("100.0")) && context.model != "" };
@id("monthly-cost-limit") permit(principal, action, resource) when { context.usage.cost_month.greaterThanOrEqual(decimal("50.0")) };
@id("daily-token-limit") permit(principal, action, resource) when { context.usage.tokens_today >= 100000 };
@id("pii-protection") permit(principal, action, resource) when { context.pii.found };
@id("personal-stays-internal") permit(principal, action, resource) when { context.context_path == "/Personal" || context.context_path like "/Personal/*" };
@id("deny-shell-exec") forbid(principal, action, resource) when { context.event.type == "tool.shell.exec" };
@id("deny-deep-chains") forbid(principal, action, resource) when { context.event.depth > 10 };
@id("large-payment") forbid(principal, action, resource) when { context.event.type like "payment.*" && context.event.data has amount && context.event.data.amount > 10000 };
@id("model-allow-list") forbid(principal, action, resource) when { context.model != "" && !["gpt-4o-mini", "gpt-4o", "claude-3-5-sonnet", "claude-3-haiku", "llama-3-8b"].contains(context.model) };
@id("internal-not-from-api") forbid(principal, action, resource) when { context.event.category == "internal" && context.event.source like "/api*" };
@id("webhooks-no-llm") forbid(principal, action, resource) when { context.event.source like "/webhooks/*" && context.event.type like "llm.*" };
@id("private-keys") forbid(principal, action, resource) when { context.event.data has text && context.event.data.text like "*BEGIN PRIVATE KEY*" };
@id("plan-size") forbid(principal, action, resource) when { context.event.type == "plan.created" && context.event.data has step_count && context.event.data.step_count > 100 };
@id("external-email") permit(principal, action, resource) when { context.event.type == "email.send" && context.event.data has to_domains && !["example.com"].containsAll(context.event.data.to_domains) };
@id("big-invites") permit(principal, action, resource) when { context.event.type == "calendar.invite" && context.event.data has attendee_count && context.event.data.attendee_count > 50 };
@id("finance-no-web") permit(principal, action, resource) when { context.context_path like "/Finance/*" };
@id("pricey-model-daily") permit(principal, action, resource) when { ["gpt-4o", "claude-3-5-sonnet"].contains(context.model) && context.usage.cost_today.greaterThan(decimal("10.0")) };
@id("notify-deletes") permit(principal, action, resource) when { context.event.type like "*.delete" || context.event.type like "*.purge" };
`;

type Usage = NonNullable<PolicyEnvInput['usage']>;
const LOW: Usage = { events_per_minute: 12, events_per_hour: 300, events_per_day: 2400, tokens_today: 20_000, tokens_month: 400_000, cost_today: 2.5, cost_month: 21.75 };
const HIGH: Usage = { events_per_minute: 40, events_per_hour: 2000, events_per_day: 9000, tokens_today: 140_000, tokens_month: 2_000_000, cost_today: 14.25, cost_month: 64.5 };

interface Shape {
  type: string;
  category?: string;
  source?: string;
  depth?: number;
  data: Record<string, unknown>;
  path?: string;
  model?: string;
  usage?: Usage;
  pii?: string[];
}

/** What events look like: mostly allowed, some restricted, a few denied or parked. */
const SHAPES: readonly Shape[] = [
  { type: 'llm.chat', source: '/api/events', data: { prompt: 'Summarize my inbox', max_tokens: 800 }, model: 'gpt-4o-mini' },
  { type: 'llm.chat', source: '/api/events', data: { prompt: 'Draft a reply to Ann' }, model: 'gpt-4o', usage: HIGH },
  { type: 'email.received', source: '/connectors/graph', data: { from: 'ann@example.com', subject: 'Lunch?', text: 'Are you free at noon?' }, pii: ['email'] },
  { type: 'email.send', source: '/drivers/assistant', depth: 2, data: { to_domains: ['example.com'], subject: 'Re: Lunch', text: 'Yes.' } },
  { type: 'email.send', source: '/drivers/assistant', depth: 2, data: { to_domains: ['example.com', 'partner.org'], subject: 'Offer' } },
  { type: 'context.write', source: '/api/context', data: { path: '/Personal/journal/2024-05-01', text: 'Dear diary' }, path: '/Personal/journal/2024-05-01' },
  { type: 'context.read', source: '/drivers/research', depth: 1, data: { path: '/Finance/q2' }, path: '/Finance/q2' },
  { type: 'task.create', source: '/api/events', data: { title: 'Book flights', due: '2024-05-10' } },
  { type: 'task.delete', source: '/api/events', data: { id: 'task-42' } },
  { type: 'plan.created', category: 'internal', source: '/kernel/planner', depth: 1, data: { step_count: 12 } },
  { type: 'calendar.invite', source: '/drivers/assistant', depth: 3, data: { attendee_count: 8, title: 'Standup' } },
  { type: 'payment.create', source: '/api/events', data: { amount: 120, currency: 'EUR' } },
  { type: 'payment.create', source: '/api/events', data: { amount: 25_000, currency: 'EUR' } },
  { type: 'tool.shell.exec', source: '/drivers/agent', depth: 4, data: { command: 'ls' } },
  { type: 'llm.complete', source: '/webhooks/github', data: { prompt: 'Review this PR' }, model: 'claude-3-haiku' },
  { type: 'ui.render', source: '/api/apps', data: { app: 'inbox', view: 'list' } },
];

/** `count` environments cycling through the shapes, with distinct ids and users. */
export function benchEvents(count: number): { input: PolicyEnvInput; userId: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const shape = SHAPES[i % SHAPES.length] as Shape;
    const userId = `user-${i % 7}`;
    const input: PolicyEnvInput = {
      event: {
        id: `evt-${i}`,
        type: shape.type,
        category: shape.category ?? 'input',
        source: shape.source ?? '/api/events',
        subject: '',
        depth: shape.depth ?? 0,
        data: shape.data,
        time: new Date(Date.UTC(2024, 4, 1, 12, 0, i % 60)).toISOString(),
      },
      user: { id: userId },
      usage: shape.usage ?? LOW,
      context: { path: shape.path ?? '' },
      model: shape.model ?? '',
      pii: { found: (shape.pii ?? []).length > 0, kinds: shape.pii ?? [] },
    };
    return { input, userId };
  });
}

/** The Cedar request context carrying the same fields (money as Cedar decimals). */
export function cedarContext(input: PolicyEnvInput): Record<string, unknown> {
  const usage = input.usage ?? LOW;
  const decimal = (value: number): { __extn: { fn: string; arg: string } } => ({ __extn: { fn: 'decimal', arg: value.toFixed(4) } });
  const { event } = input;
  return {
    event: { id: event.id, type: event.type, category: event.category, source: event.source, subject: event.subject ?? '', depth: event.depth, data: event.data ?? {} },
    usage: { ...usage, cost_today: decimal(usage.cost_today), cost_month: decimal(usage.cost_month) },
    context_path: input.context?.path ?? '',
    model: input.model ?? '',
    pii: { found: input.pii?.found ?? false, kinds: [...(input.pii?.kinds ?? [])] },
  };
}
