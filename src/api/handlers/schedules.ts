/**
 * /api/schedules: a user's schedules (src/scheduler). Creating one validates the whole body and
 * answers 400 naming every bad field; pause, resume and delete act on the user's own schedules
 * only (another user's id is simply not found). Every change is in the user's audit trail.
 */
import { z } from 'zod';
import { recordAdminChange } from '../audit-trail.js';
import { readJsonBody } from '../json-body.js';
import { parseQuery, wholeNumberParam } from '../query.js';
import { json } from '../responses.js';
import { readableUser, userParam } from '../target-user.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';

const MAX_SCHEDULE_BYTES = 64 * 1024;
const listQuery = z.strictObject({ limit: wholeNumberParam(1, 1000).default(100), after: z.string().max(64).optional(), user: userParam.optional() });
const readQuery = z.strictObject({ user: userParam.optional() });

/** `?user=` (admins only) reads another user's schedules; changing them stays the owner's. */
export async function listSchedules({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const query = parseQuery(request.url, listQuery);
  const schedules = await services.schedules.list(readableUser(identity, query.user, 'schedules'), query.limit, query.after);
  return json(200, { schedules });
}

export async function createSchedule({ request, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const body = await readJsonBody(request, MAX_SCHEDULE_BYTES, z.unknown(), 'the schedule');
  const schedule = await services.schedules.create(identity.userId, body);
  const when = schedule.cron !== undefined ? `cron "${schedule.cron}" in ${schedule.timezone}` : `at ${schedule.at}`;
  await recordAdminChange(services, identity.userId, { action: 'schedule.create', target: schedule.id, reason: `${schedule.event.type} ${when}`, by: identity.userId });
  return json(201, schedule, { location: `/api/schedules/${encodeURIComponent(schedule.id)}` });
}

export async function getSchedule({ request, params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const userId = readableUser(identity, parseQuery(request.url, readQuery).user, 'schedules');
  return json(200, await services.schedules.get(userId, params['id'] ?? ''));
}

export async function pauseSchedule(context: AuthenticatedContext): Promise<ApiResponse> {
  return changeSchedule(context, 'pause');
}

export async function resumeSchedule(context: AuthenticatedContext): Promise<ApiResponse> {
  return changeSchedule(context, 'resume');
}

export async function deleteSchedule({ params, services, identity }: AuthenticatedContext): Promise<ApiResponse> {
  const id = params['id'] ?? '';
  await services.schedules.remove(identity.userId, id);
  await recordAdminChange(services, identity.userId, { action: 'schedule.delete', target: id, reason: 'deleted', by: identity.userId });
  return { status: 204, headers: {} };
}

async function changeSchedule({ params, services, identity }: AuthenticatedContext, action: 'pause' | 'resume'): Promise<ApiResponse> {
  const id = params['id'] ?? '';
  const schedule = action === 'pause' ? await services.schedules.pause(identity.userId, id) : await services.schedules.resume(identity.userId, id);
  await recordAdminChange(services, identity.userId, { action: `schedule.${action}`, target: id, reason: `now ${schedule.status}`, by: identity.userId });
  return json(200, schedule);
}
