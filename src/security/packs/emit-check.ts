/**
 * What a pack's driver may emit, judged against the permissions in force for the event's user.
 * Each kind of request is judged by the permission made for it, whatever `emits` says:
 *
 *   context.<request>  the paths it reads or writes      permissions.context.read / .write
 *   model.request      the model it asks for             permissions.models ("auto": chosen among them)
 *   tool.call          the MCP server's tool             permissions.tools
 *   anything else      its type                          permissions.events.emits
 *
 * So a manifest need not list `context.read` in `emits` to read `/Weather`, and `emits: ["*"]`
 * does not open the hub, the models or the tools.
 */
import { matchesType, type Envelope, type Restrictions } from '../../kernel/index.js';
import { checkContextRequest, isContextRequest, list } from './context-requests.js';
import type { PackPermissions } from './grants.js';

export const MODEL_REQUEST = 'model.request';
export const TOOL_CALL = 'tool.call';
/** The model id that lets the models driver choose (src/registries/models AUTO_MODEL). */
const AUTO_MODEL = 'auto';
/** A registry tool name as model providers accept it (an MCP tool's `<server>_<tool>`). */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export type EmitCheck = { ok: true; restrictions?: Restrictions } | { ok: false; reason: string; contextPath?: string };

export function checkEmit(event: Envelope, permissions: PackPermissions): EmitCheck {
  const { type } = event;
  if (isContextRequest(type)) {
    const check = checkContextRequest(event, permissions.context);
    if (check.ok) return { ok: true };
    return check.path === undefined ? { ok: false, reason: check.reason } : { ok: false, reason: check.reason, contextPath: check.path };
  }
  if (type === MODEL_REQUEST) return checkModel(event, permissions.models);
  if (type === TOOL_CALL) return checkTool(event, permissions.tools);
  if (permissions.events.emits.some((pattern) => matchesType(pattern, type))) return { ok: true };
  return { ok: false, reason: `it emitted ${type}, which is not among the event types it may emit (${list(permissions.events.emits)})` };
}

function checkModel(event: Envelope, models: readonly string[]): EmitCheck {
  const model = data(event)['model'];
  if (typeof model !== 'string') return { ok: false, reason: 'its model.request names no model' };
  if (models.length === 0) return { ok: false, reason: `it asked for the model ${model}, and it may call no model` };
  // "auto" lets the models driver pick: among the granted models only.
  if (model === AUTO_MODEL) return { ok: true, restrictions: { models: { allow: [...models] } } };
  if (models.includes(model)) return { ok: true };
  return { ok: false, reason: `it asked for the model ${model}, which is not among the models it may call (${list(models)})` };
}

/**
 * An MCP tool is granted by its registry name (`<server>_<tool>`), by `mcp:<server>/<tool>`, or by
 * every tool of a server, `mcp:<server>/*`.
 */
function checkTool(event: Envelope, tools: readonly string[]): EmitCheck {
  const { server, tool } = data(event);
  if (typeof server !== 'string' || typeof tool !== 'string') return { ok: false, reason: 'its tool.call names no server and tool' };
  const registryName = `${server}_${tool}`;
  const names = [`mcp:${server}/${tool}`, `mcp:${server}/*`, ...(TOOL_NAME.test(registryName) ? [registryName] : [])];
  if (tools.some((granted) => names.includes(granted))) return { ok: true };
  return { ok: false, reason: `it called the tool ${tool} of the MCP server ${server}, which is not among the tools it may use (${list(tools)})` };
}

function data(event: Envelope): Record<string, unknown> {
  const value = event.data;
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
