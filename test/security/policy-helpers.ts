/** Shared by the policy tests: a realistic environment and terse policy builders. */
import { policySchema, type Policy, type PolicyEntry, type PolicyEnvInput } from '../../src/security/policy/index.js';

export function envInput(overrides: Partial<Omit<PolicyEnvInput, 'event'>> & { event?: Partial<PolicyEnvInput['event']> } = {}): PolicyEnvInput {
  const { event, ...rest } = overrides;
  return {
    event: {
      id: 'evt-1',
      type: 'task.create',
      category: 'input',
      source: '/api/events',
      subject: '',
      depth: 0,
      data: { title: 'Book flights' },
      time: '2024-05-01T12:00:00Z',
      ...event,
    },
    user: { id: 'alice' },
    usage: { events_per_minute: 3, events_per_hour: 40, events_per_day: 200, tokens_today: 1000, tokens_month: 20_000, cost_today: 0.5, cost_month: 12.25 },
    context: { path: '' },
    model: '',
    pii: { found: false, kinds: [] },
    ...rest,
  };
}

/** A validated policy with defaults filled in. */
export function policy(fields: { id: string; condition: string } & Record<string, unknown>): Policy {
  return policySchema.parse({ name: fields.id, action: 'log', ...fields });
}

export const global = (p: Policy): PolicyEntry => ({ scope: 'global', policy: p });
export const ofUser = (owner: string, p: Policy): PolicyEntry => ({ scope: 'user', owner, policy: p });
