/** The host-neutral HTTP API: hosts build an ApiRequest, call `createApi(services).handle`, write the ApiResponse. */
export { createApi } from './create-api.js';
export { detectIngestMode, parseIngest, type IngestMode, type IngestOptions } from './ingest-parse.js';
export { cloudEventSchema, DEFAULT_SOURCE, plainEventSchema, type IngestStamp } from './ingest-schemas.js';
export { PROBLEM_CONTENT_TYPE, problemResponse, validationIssueSchema, type Problem, type ValidationIssue } from './problem.js';
export { auditView, eventView, type AuditView, type EventView } from './record-view.js';
export {
  DEFAULT_API_LIMITS,
  type AgentRunReader,
  type AgentRunSummary,
  type AgentRunView,
  type Api,
  type ApiLimits,
  type ApiMetrics,
  type ApiRequest,
  type ApiResponse,
  type ApiServices,
  type DriverStatus,
  type HealthReport,
} from './types.js';
