/**
 * What an agent's step decided about the tools the model asked for, as events on the run's span
 * (the calls themselves are events, traced as their own deliveries): refused at once (no such
 * tool in the agent's scope, invalid arguments), sent for a person's approval, or requested.
 */
import type { TraceSpan } from '../../kernel/index.js';
import type { ToolRegistry } from '../../registries/tools/index.js';
import type { Run } from './run-state.js';
import { inScope, needsApproval } from './tools.js';

/** `awaited`: the request the reply answered (a model step's, or a tool call's). */
export function traceReply(span: TraceSpan, run: Run, awaited: string, tools: ToolRegistry): void {
  span.setAttributes({ 'gen_ai.agent.id': run.agent.id, 'vextir.agent.run_id': run.id, 'vextir.agent.status': run.status });
  const step = run.steps.find((each) => each.requestId === awaited);
  if (step !== undefined) {
    for (const call of step.toolCalls) {
      const tool = inScope(tools, run.agent.tools, call.name);
      const decision = call.status === 'failed' ? 'refused' : tool && needsApproval(run.agent.approvalTools, tool) ? 'approval_required' : 'requested';
      span.addEvent('gen_ai.tool.call', { 'gen_ai.tool.name': call.name, 'gen_ai.tool.call.id': call.id, 'vextir.tool.decision': decision, 'vextir.tool.error': call.error });
    }
    return;
  }
  for (const each of run.steps) {
    const call = each.toolCalls.find((candidate) => candidate.eventId === awaited);
    if (call) span.addEvent('gen_ai.tool.result', { 'gen_ai.tool.name': call.name, 'gen_ai.tool.call.id': call.id, 'vextir.tool.status': call.status, 'vextir.tool.reply_type': call.replyType, 'vextir.tool.error': call.error });
  }
}
