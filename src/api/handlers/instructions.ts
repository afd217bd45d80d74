/**
 * /api/instructions: a user's instructions (src/plans). Saving one compiles it and answers 400
 * naming the step and the problem; saving arms its trigger. A run is an `instruction.run` event
 * through the same ingress as POST /api/events (recorded, authorized, audited), answered 202
 * with the plan's id, which follows from the event's.
 */
import { createHash } from 'node:crypto';
import { stringify as toYaml } from 'yaml';
import { z } from 'zod';
import { KernelError, newEventId, type Envelope } from '../../kernel/index.js';
import { readInstructionDocument } from '../../plans/index.js';
import { recordAdminChange } from '../audit-trail.js';
import { prefersYaml, readDocument, YAML_CONTENT_TYPE } from '../documents.js';
import { readJsonBody } from '../json-body.js';
import { parseQuery, wholeNumberParam } from '../query.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';
import { acceptEvents } from './ingest.js';

/** A 10,000-step instruction is a few megabytes. */
const MAX_INSTRUCTION_BYTES = 16 * 1024 * 1024;
const MAX_RUN_BYTES = 1024 * 1024;
const listQuery = z.strictObject({ limit: wholeNumberParam(1, 1000).default(100), after: z.string().max(64).optional() });
const runBody = z.strictObject({ inputs: z.record(z.string(), z.unknown()).default({}) });

export async function putInstruction({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const { text, format } = await readDocument(request, MAX_INSTRUCTION_BYTES, 'the instruction');
  const { instruction, created } = await services.plans.instructions.put(identity.userId, readInstructionDocument(text, format));
  const trigger = instruction.trigger?.schedule !== undefined ? `on "${instruction.trigger.schedule}" in ${instruction.trigger.timezone}` : instruction.trigger?.event !== undefined ? `on ${instruction.trigger.event}` : 'run by hand';
  await recordAdminChange(services, identity.userId, { action: 'instruction.put', target: instruction.id, reason: `version ${instruction.version}: ${instruction.steps} steps, ${trigger}`, by: identity.userId });
  return json(created ? 201 : 200, instruction, { location: `/api/instructions/${encodeURIComponent(instruction.id)}` });
}

export async function listInstructions({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, listQuery);
  return json(200, { instructions: await services.plans.instructions.list(identity.userId, query.limit, query.after) });
}

export async function getInstruction({ request, params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const { summary, instruction } = await services.plans.instructions.get(identity.userId, params['id'] ?? '');
  if (prefersYaml(request.headers.get('accept'))) return { status: 200, headers: { 'content-type': YAML_CONTENT_TYPE }, body: toYaml(instruction, { lineWidth: 0 }) };
  return json(200, { ...summary, instruction });
}

export async function deleteInstruction({ params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = params['id'] ?? '';
  if (!(await services.plans.instructions.delete(identity.userId, id))) throw new KernelError('not_found', `no instruction "${id}"`);
  await recordAdminChange(services, identity.userId, { action: 'instruction.delete', target: id, reason: 'deleted (its plans keep running)', by: identity.userId });
  return { status: 204, headers: {} };
}

/** `POST /api/instructions/{id}/run {inputs}`; an `Idempotency-Key` makes a retried request start one plan. */
export async function runInstruction({ request, params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = params['id'] ?? '';
  const empty = request.headers.get('content-length') === '0' || request.headers.get('content-type') === null;
  const { inputs } = empty ? { inputs: {} } : await readJsonBody(request, MAX_RUN_BYTES, runBody, 'the run request');
  const { type, data } = await services.plans.runEvent(identity.userId, id, inputs);
  const key = request.headers.get('idempotency-key');
  const eventId = key === null ? newEventId() : `run-${createHash('sha256').update(`${identity.userId}\n${id}\n${key}`).digest('base64url').slice(0, 32)}`;
  const now = services.clock.now().toISOString();
  const event: Envelope = { specversion: '1.0', id: eventId, type, source: '/http/instructions', time: now, userid: identity.userId, category: 'input', correlationid: eventId, depth: 0, data };
  const result = await acceptEvents(services, [event]);
  const plan = services.plans.planIdOf(eventId, id);
  return json(202, { plan, event: eventId, ...(result.duplicates.length > 0 && { duplicate: true }) }, { location: `/api/plans/${plan}` });
}
