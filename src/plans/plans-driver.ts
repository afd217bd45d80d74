/**
 * The `plans` driver: the engine's door to the kernel. It handles `instruction.run` (start a
 * plan) and `timer.plan` (timeouts, sleeps, rescans, trailing debounces), and through replies and
 * dynamic routes the events plans wait for: answers to nodes' requests (addressed to it, or in a
 * request's correlation), events that meet instructions' triggers, events waiting nodes watch.
 */
import { driverManifestSchema, type Driver, type DynamicRoutes, type Envelope } from '../kernel/index.js';
import type { PlanEngine } from './engine.js';
import { TIMER_EVENT } from './envelopes.js';
import { parseRequestId, PLANS_DRIVER } from './ids.js';
import type { EventInterests } from './interests.js';
import { RUN_INSTRUCTION } from './instruction-store.js';
import type { PlanStarter } from './plan-start.js';
import { withSpan } from './trace-scope.js';

/** The request a reply answers: its parent, or what a denied answer answered (see the kernel's event.denied). */
export function awaitedBy(reply: Envelope): string | undefined {
  if (reply.type === 'event.denied' && reply.data !== null && typeof reply.data === 'object') {
    const answered = (reply.data as Record<string, unknown>)['answered'];
    if (typeof answered === 'string') return answered;
  }
  return reply.causationid;
}

/** An event a driver emitted later in a node's request's correlation (an agent's final answer). */
function lateAnswerTo(event: Envelope): string | undefined {
  if (event.recipient !== undefined || event.replyto !== undefined || event.category !== 'output' || event.id === event.correlationid) return undefined;
  return parseRequestId(event.correlationid) === undefined ? undefined : event.correlationid;
}

export function createPlansDriver(engine: PlanEngine, starter: PlanStarter, interests: EventInterests): Driver {
  return {
    manifest: driverManifestSchema.parse({
      id: PLANS_DRIVER,
      name: 'Plans',
      version: '1.0.0',
      type: 'tool',
      description: 'Runs instructions as durable DAG plans: starts them, advances them on answers, timers and awaited events',
      capabilities: [RUN_INSTRUCTION, TIMER_EVENT],
      external: false,
      // Creating a 10,000-node plan writes 10,000 items.
      resources: { timeout: '5m', maxConcurrency: 64 },
    }),
    handle(event, context) {
      return withSpan(context.trace, () => handlePlanEvent(event, engine, starter, interests));
    },
  };
}

async function handlePlanEvent(event: Envelope, engine: PlanEngine, starter: PlanStarter, interests: EventInterests): Promise<[]> {
  if (event.recipient === PLANS_DRIVER) {
    const awaited = awaitedBy(event);
    if (awaited !== undefined) await engine.answer(event, awaited);
    return [];
  }
  if (event.type === RUN_INSTRUCTION) {
    await starter.run(event);
    return [];
  }
  if (event.type === TIMER_EVENT) {
    if (isRecord(event.data) && 'debounce' in event.data) await starter.debounced(event);
    else await engine.timer(event);
    return [];
  }
  const late = lateAnswerTo(event);
  if (late !== undefined) await engine.answer(event, late);
  const { triggers, watches } = await interests.of(event);
  if (watches.length > 0) await engine.watched(event, watches);
  if (triggers.length > 0) await starter.triggered(event, triggers);
  return [];
}

/** Sends the plans driver what it must see beyond its capabilities and the replies addressed to it. */
export function planRoutes(interests: EventInterests): DynamicRoutes {
  const routed: readonly string[] = [PLANS_DRIVER];
  const none: readonly string[] = [];
  return {
    driversFor(event) {
      if (event.recipient !== undefined || event.type === RUN_INSTRUCTION || event.type === TIMER_EVENT) return none;
      if (lateAnswerTo(event) !== undefined) return routed;
      const found = interests.of(event);
      if (found instanceof Promise) return found.then((each) => (each.triggers.length > 0 || each.watches.length > 0 ? routed : none));
      return found.triggers.length > 0 || found.watches.length > 0 ? routed : none;
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
