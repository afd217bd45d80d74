/** Calling MCP tools over HTTP as a user does: POST a `tool.call`, read the answer among its children. */
import type { RecordBody, TestSystem } from './local-system.js';

export interface Answer {
  call: RecordBody;
  answer: RecordBody;
}

/** The first child of `id` once the event settled (the driver's answer, or a re-issued call awaiting approval). */
export async function firstChild(system: TestSystem, user: string, id: string): Promise<Answer> {
  const call = await system.settled(user, id);
  const childId = call.children[0];
  if (childId === undefined) throw new Error(`event ${id} settled as ${call.status} with no child: ${JSON.stringify(call)}`);
  return { call, answer: await system.settled(user, childId, () => true) };
}

export async function callTool(system: TestSystem, user: string, server: string, tool: string, args: Record<string, unknown> = {}): Promise<Answer> {
  return firstChild(system, user, await system.emit(user, 'tool.call', { server, tool, arguments: args }));
}

export { until } from './until.js';

export interface HealthBody {
  status: string;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export async function health(system: TestSystem): Promise<HealthBody> {
  return (await (await fetch(`${system.url}/api/health`)).json()) as HealthBody;
}
