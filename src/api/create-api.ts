/**
 * The API as one function: route, authenticate, run the handler, and turn anything thrown into
 * an RFC 9457 problem. Hosts (node:http, Azure Functions) only translate requests and responses.
 */
import { KernelError, toKernelError } from '../kernel/index.js';
import { recordRefusal } from './audit-trail.js';
import { authenticate } from './auth.js';
import { getAgentRun, listAgentRuns } from './handlers/agent-runs.js';
import { deleteAgent, getAgent, listAgents, putAgent } from './handlers/agents.js';
import { decideApproval, listApprovals } from './handlers/approvals.js';
import { listAudit, verifyAudit } from './handlers/audit.js';
import type { Endpoint } from './handlers/context.js';
import { postContext } from './handlers/context-actions.js';
import { deleteContext, getContext, headContext, putContext } from './handlers/context-documents.js';
import { getContextCollection } from './handlers/context-query.js';
import { listDeadLetters, replayDeadLetter } from './handlers/dead-letters.js';
import { getMe } from './handlers/me.js';
import { getModels } from './handlers/models.js';
import { getEventAggregate } from './handlers/event-aggregate.js';
import { getEventTree } from './handlers/event-tree.js';
import { getEvent, listEvents } from './handlers/events.js';
import { deleteGrant, listGrants, putGrant } from './handlers/grants.js';
import { postEvents } from './handlers/ingest.js';
import { getPolicies, putPolicies, testPolicies } from './handlers/policies.js';
import { addPack, deletePack, getPack, listPacks, searchPackRegistry, updatePack } from './handlers/packs.js';
import { deleteInstruction, getInstruction, listInstructions, putInstruction, runInstruction } from './handlers/instructions.js';
import { cancelPlan, getPlan, listPlans, retryPlan } from './handlers/plans.js';
import { createSchedule, deleteSchedule, getSchedule, listSchedules, pauseSchedule, resumeSchedule } from './handlers/schedules.js';
import { getStream } from './handlers/stream.js';
import { postMcp } from './mcp/index.js';
import { getDrivers, getHealth, getMetrics } from './handlers/system.js';
import { deleteUiApp, getAppAsset, getAppPage, getUiApp, listUiApps, putUiApp } from './handlers/ui-apps.js';
import { getUsage } from './handlers/usage.js';
import { problemJson, problemResponse, problemType } from './problem.js';
import { createRouter, type Route } from './router.js';
import type { Api, ApiRequest, ApiResponse, ApiServices } from './types.js';

const ROUTES: readonly Route<Endpoint>[] = [
  { method: 'POST', path: '/api/events', handler: { handle: postEvents } },
  { method: 'GET', path: '/api/events', handler: { handle: listEvents } },
  // Before /api/events/:id, which would take `aggregate` for an id.
  { method: 'GET', path: '/api/events/aggregate', handler: { handle: getEventAggregate } },
  { method: 'GET', path: '/api/events/:id', handler: { handle: getEvent } },
  { method: 'GET', path: '/api/events/:id/tree', handler: { handle: getEventTree } },
  { method: 'GET', path: '/api/stream', handler: { handle: getStream } },
  { method: 'GET', path: '/api/me', handler: { handle: getMe } },
  { method: 'GET', path: '/api/health', handler: { public: true, handle: getHealth } },
  { method: 'GET', path: '/api/metrics', handler: { handle: getMetrics } },
  { method: 'GET', path: '/api/drivers', handler: { handle: getDrivers } },
  { method: 'GET', path: '/api/audit', handler: { handle: listAudit } },
  { method: 'GET', path: '/api/audit/verify', handler: { handle: verifyAudit } },
  { method: 'GET', path: '/api/policies', handler: { handle: getPolicies } },
  { method: 'PUT', path: '/api/policies', handler: { handle: putPolicies } },
  { method: 'POST', path: '/api/policies/test', handler: { handle: testPolicies } },
  { method: 'GET', path: '/api/approvals', handler: { handle: listApprovals } },
  { method: 'POST', path: '/api/approvals/:id', handler: { handle: decideApproval } },
  { method: 'GET', path: '/api/grants', handler: { handle: listGrants } },
  { method: 'PUT', path: '/api/grants', handler: { handle: putGrant } },
  { method: 'DELETE', path: '/api/grants', handler: { handle: deleteGrant } },
  { method: 'GET', path: '/api/usage', handler: { handle: getUsage } },
  { method: 'GET', path: '/api/agents/runs', handler: { handle: listAgentRuns } },
  { method: 'GET', path: '/api/agents/runs/:id', handler: { handle: getAgentRun } },
  { method: 'GET', path: '/api/models', handler: { handle: getModels } },
  { method: 'GET', path: '/api/context', handler: { handle: getContextCollection } },
  { method: 'GET', path: '/api/context/*path', handler: { handle: getContext } },
  { method: 'HEAD', path: '/api/context/*path', handler: { handle: headContext } },
  { method: 'PUT', path: '/api/context/*path', handler: { handle: putContext } },
  { method: 'DELETE', path: '/api/context/*path', handler: { handle: deleteContext } },
  { method: 'POST', path: '/api/context/*path', handler: { handle: postContext } },
  { method: 'GET', path: '/api/agents', handler: { handle: listAgents } },
  { method: 'GET', path: '/api/agents/:id', handler: { handle: getAgent } },
  { method: 'PUT', path: '/api/agents/:id', handler: { handle: putAgent } },
  { method: 'DELETE', path: '/api/agents/:id', handler: { handle: deleteAgent } },
  { method: 'GET', path: '/api/schedules', handler: { handle: listSchedules } },
  { method: 'POST', path: '/api/schedules', handler: { handle: createSchedule } },
  { method: 'GET', path: '/api/schedules/:id', handler: { handle: getSchedule } },
  { method: 'DELETE', path: '/api/schedules/:id', handler: { handle: deleteSchedule } },
  { method: 'POST', path: '/api/schedules/:id/pause', handler: { handle: pauseSchedule } },
  { method: 'POST', path: '/api/schedules/:id/resume', handler: { handle: resumeSchedule } },
  { method: 'GET', path: '/api/instructions', handler: { handle: listInstructions } },
  { method: 'POST', path: '/api/instructions', handler: { handle: putInstruction } },
  { method: 'GET', path: '/api/instructions/:id', handler: { handle: getInstruction } },
  { method: 'DELETE', path: '/api/instructions/:id', handler: { handle: deleteInstruction } },
  { method: 'POST', path: '/api/instructions/:id/run', handler: { handle: runInstruction } },
  { method: 'GET', path: '/api/plans', handler: { handle: listPlans } },
  { method: 'GET', path: '/api/plans/:id', handler: { handle: getPlan } },
  { method: 'POST', path: '/api/plans/:id/cancel', handler: { handle: cancelPlan } },
  { method: 'POST', path: '/api/plans/:id/retry', handler: { handle: retryPlan } },
  { method: 'GET', path: '/api/admin/dead-letters', handler: { handle: listDeadLetters } },
  { method: 'POST', path: '/api/admin/dead-letters/:messageId/replay', handler: { handle: replayDeadLetter } },
  { method: 'POST', path: '/api/mcp', handler: { handle: postMcp } },
  { method: 'GET', path: '/api/packs', handler: { handle: listPacks } },
  { method: 'POST', path: '/api/packs', handler: { handle: addPack } },
  // Before /api/packs/:name, which would take `search` for a name.
  { method: 'GET', path: '/api/packs/search', handler: { handle: searchPackRegistry } },
  { method: 'GET', path: '/api/packs/:name', handler: { handle: getPack } },
  { method: 'DELETE', path: '/api/packs/:name', handler: { handle: deletePack } },
  { method: 'POST', path: '/api/packs/:name/update', handler: { handle: updatePack } },
  { method: 'GET', path: '/api/ui-apps', handler: { handle: listUiApps } },
  { method: 'POST', path: '/api/ui-apps', handler: { handle: putUiApp } },
  { method: 'GET', path: '/api/ui-apps/:id', handler: { handle: getUiApp } },
  { method: 'DELETE', path: '/api/ui-apps/:id', handler: { handle: deleteUiApp } },
  // The pages: static and public (no user data); what they show is fetched with the reader's token.
  { method: 'GET', path: '/apps/_assets/:name', handler: { public: true, handle: getAppAsset } },
  { method: 'GET', path: '/apps', handler: { public: true, handle: getAppPage } },
  { method: 'GET', path: '/apps/*path', handler: { public: true, handle: getAppPage } },
];

export function createApi(services: ApiServices): Api {
  const router = createRouter(ROUTES);
  return {
    async handle(request: ApiRequest): Promise<ApiResponse> {
      let userId: string | undefined;
      try {
        const match = router.match(request.method, request.url.pathname);
        if (match.kind === 'not_found') throw new KernelError('not_found', `there is no endpoint at ${request.url.pathname}`);
        if (match.kind === 'method_not_allowed') return methodNotAllowed(request, match.allow);
        const context = { request, params: match.params, services };
        if (match.handler.public === true) return await match.handler.handle(context);
        const identity = await authenticate(request, services.authenticator);
        userId = identity.userId;
        return await match.handler.handle({ ...context, identity });
      } catch (caught) {
        return failure(caught, request, services, userId);
      }
    },
  };
}

/** 405 has no KernelError code: it is the router's answer, not a failure of the kernel. */
function methodNotAllowed(request: ApiRequest, allow: string[]): ApiResponse {
  const detail = `${request.method} is not allowed on ${request.url.pathname}; use ${allow.join(' or ')}`;
  return problemJson({ type: problemType('method_not_allowed'), title: 'Method not allowed', status: 405, detail }, { allow: allow.join(', ') });
}

/**
 * Every refused request (4xx, except a stale ETag's 412) is audited — in the caller's chain when the token was valid, in
 * the `anonymous` chain otherwise — so that probing (another user's ids, spoofed attributes,
 * forged tokens) leaves a trace. Server failures are logged instead.
 */
async function failure(caught: unknown, request: ApiRequest, services: ApiServices, userId: string | undefined): Promise<ApiResponse> {
  const error = toKernelError(caught);
  const response = problemResponse(error);
  if (response.status >= 500) {
    services.logger.error({ err: caught, code: error.code, method: request.method, path: request.url.pathname }, 'request failed');
  } else if (error.code !== 'precondition_failed') {
    // A stale ETag is ordinary optimistic concurrency, not a refusal worth a trace.
    await recordRefusal(services, request, userId, response.status, error.code, error.message);
  }
  return response;
}
