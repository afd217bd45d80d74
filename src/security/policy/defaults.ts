/**
 * The default policies, as data: the YAML a deployment starts with (the seed's budget, rate,
 * PII and /Personal rules). Kept as a string in a .ts module because the build copies only .ts
 * files to dist. Priorities 1000 and up are the global-only range, so no user policy can run
 * before the budget and rate rules.
 *
 * The rate rules shape what enters the system: they throttle (delay) rather than deny, and only
 * root events (depth 0: what users, schedules and mailboxes send). Internal events are bounded
 * otherwise (the loop guard, each driver's own limits, the cost budgets), so a plan that fans out
 * into a thousand steps is neither throttled nor denied by them.
 */
import { parsePolicyDocument } from './document.js';
import type { Policy } from './schema.js';

export const DEFAULT_POLICIES_YAML = `
policies:
  - id: rate-limit-minute
    name: Rate limit (per minute)
    description: >-
      More than 600 events a minute looks like a runaway client or abuse: new events from
      outside (depth 0) then wait for the next minute instead of being dropped. Events inside
      the system (a plan's steps, an agent's model and tool calls, answers) count in the usage
      but are never held back here: the loop guard, their own limits and the budgets bound them.
    condition: event.depth == 0 && usage.events_per_minute > 600
    action: throttle
    config: { window: minute, reason: "Rate limit: more than 600 events per minute" }
    priority: 1300

  - id: rate-limit-day
    name: Rate limit (per day)
    description: >-
      More than 20,000 events today: new events from outside (depth 0) wait for the next day
      (UTC). As for the per-minute rule, events inside the system are never held back here.
    condition: event.depth == 0 && usage.events_per_day > 20000
    action: throttle
    config: { window: day, reason: "Rate limit: more than 20,000 events today" }
    priority: 1300

  - id: monthly-cost-hard-limit
    name: Monthly budget exhausted
    description: At $100 this month, events that ask for a model are denied.
    condition: usage.cost_month >= 100.0 && model != ''
    action: deny
    config: { reason: "Monthly budget of $100 reached: events that request a model are denied" }
    priority: 1200

  - id: monthly-cost-limit
    name: Monthly budget nearly spent
    description: From $50 this month, only cheap models.
    condition: usage.cost_month >= 50.0
    action: restrict
    config:
      restrictions: { models: { maxCostPer1kTokens: 0.001 } }
    priority: 1100

  - id: daily-token-limit
    name: Daily token limit
    description: After 100,000 tokens today, only cheap models.
    condition: usage.tokens_today >= 100000
    action: restrict
    config:
      restrictions: { models: { maxCostPer1kTokens: 0.001 } }
    priority: 1050

  - id: pii-protection
    name: Redact personal data for external services
    description: An email.send carries addresses (and signatures phone numbers) by nature, so only other personal data in it is redacted, which stops that send.
    condition: pii.found && !(event.type == 'email.send' && pii.kinds.all(k, k == 'email' || k == 'phone'))
    action: restrict
    config:
      restrictions: { redactPii: true }
    priority: 900

  - id: personal-stays-internal
    name: /Personal never leaves for an external API
    description: Checks every path the event names, so results of a broad query or search that include /Personal documents stay internal too.
    condition: context.paths.exists(p, p == '/Personal' || p.startsWith('/Personal/'))
    action: restrict
    config:
      restrictions: { external: false }
    priority: 900
`;

/** The defaults, validated (a mistake here fails at start-up and in the tests, not silently). */
export const DEFAULT_POLICIES: readonly Policy[] = Object.freeze(parsePolicyDocument(DEFAULT_POLICIES_YAML, 'yaml'));
