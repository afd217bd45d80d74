/**
 * A user's plans, newest first: an index item per plan (`plan-by-time`, keyed by the inverted
 * creation time, so the store's ascending key order lists the newest first) beside the header.
 * Filters (status, instruction) are applied to the headers a page reads.
 */
import type { StateStore } from '../kernel/index.js';
import type { Plan } from './plan-state.js';

export const PLAN_INDEX_KIND = 'plan-by-time';
const LATEST = 9_999_999_999_999;

export function planIndexKey(plan: Pick<Plan, 'id' | 'createdAt'>): string {
  return `${String(LATEST - new Date(plan.createdAt).getTime()).padStart(13, '0')}|${plan.id}`;
}

export class PlanIndex {
  constructor(private readonly state: StateStore) {}

  async add(plan: Plan): Promise<void> {
    await this.state.put(plan.userId, PLAN_INDEX_KIND, planIndexKey(plan), { planId: plan.id, instruction: plan.instruction.id });
  }

  /** Plan ids, newest first, from after `cursor` (a key this returned). */
  async page(userId: string, limit: number, cursor?: string): Promise<Array<{ planId: string; key: string }>> {
    const items = await this.state.list(userId, PLAN_INDEX_KIND, { limit, ...(cursor !== undefined && { afterKey: cursor }) });
    return items.map((item) => ({ planId: (item.value as { planId: string }).planId, key: item.key }));
  }
}
