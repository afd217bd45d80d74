/**
 * The span of the plans driver's run, for the transitions it makes: a transition is reached from
 * many paths (answers, timers, waits, starts, triggers, debounces), and only the driver knows
 * the span. Entered only when tracing is on, so a run without it pays nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TraceSpan } from '../kernel/index.js';
import type { Plan, PlanNode } from './plan-state.js';

const scope = new AsyncLocalStorage<TraceSpan>();

export function withSpan<T>(span: TraceSpan | undefined, work: () => Promise<T>): Promise<T> {
  return span?.recording === true ? scope.run(span, work) : work();
}

/** One `plan.step` event per node a transition changed, on the span of the run that made it. */
export function traceTransition(plan: Plan, nodes: readonly PlanNode[]): void {
  const span = scope.getStore();
  if (span === undefined) return;
  span.setAttributes({ 'vextir.plan.id': plan.id, 'vextir.plan.instruction': plan.instruction.id, 'vextir.plan.status': plan.status });
  for (const node of nodes) {
    span.addEvent('plan.step', {
      'vextir.plan.id': plan.id,
      'vextir.plan.node': node.def.id,
      'vextir.plan.node.index': node.def.index,
      'vextir.plan.node.action': node.def.action,
      'vextir.plan.node.attempt': node.attempts.length,
      'vextir.plan.node.status': node.status,
    });
  }
}
