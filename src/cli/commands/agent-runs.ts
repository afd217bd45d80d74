/** `vextir agents run show <id>`: an agent run step by step, as GET /api/agents/runs/{id} tells it. */
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';

interface RunView {
  id: string;
  agent: { id: string };
  status: string;
  trigger: { id: string; type: string };
  conversationId?: string;
  dropped: number;
  text?: string;
  output?: unknown;
  error?: { code: string; message: string };
  totals: { inputTokens: number; outputTokens: number; costUsd: number };
  steps: Array<{
    index: number;
    status: string;
    model?: string;
    usage?: { inputTokens: number; outputTokens: number; costUsd: number };
    latencyMs?: number;
    record?: Recorded;
    toolCalls: Array<{ name: string; arguments: unknown; status: string; result?: unknown; error?: string; record?: Recorded }>;
  }>;
}

interface Recorded {
  status: string;
  decision?: { allowed: boolean; reason: string; verdict?: string };
}

export async function agentRunShowCommand(client: Client, id: string | undefined, asJson: boolean): Promise<void> {
  if (!id) throw new CliError('usage: vextir agents run show <run id> [--json]', 2);
  const run = await client.json<RunView>('GET', `/api/agents/runs/${encodeURIComponent(id)}`);
  if (asJson) return void process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
  const lines = [
    `${run.id}  agent ${run.agent.id}  ${run.status}  (trigger ${run.trigger.type} ${run.trigger.id}${run.conversationId ? `, conversation ${run.conversationId}` : ''})`,
    `  ${run.steps.length} steps, ${run.totals.inputTokens} in / ${run.totals.outputTokens} out tokens, $${run.totals.costUsd.toFixed(6)}${run.dropped > 0 ? `, ${run.dropped} earlier messages left out` : ''}`,
  ];
  for (const step of run.steps) {
    const usage = step.usage ? `${step.usage.inputTokens}/${step.usage.outputTokens} tokens, $${step.usage.costUsd.toFixed(6)}` : '';
    lines.push(`  step ${step.index + 1}: ${step.model ?? '(no model yet)'}  ${step.status}  ${usage}${step.latencyMs !== undefined ? `  ${step.latencyMs} ms` : ''}${decided(step.record)}`);
    for (const call of step.toolCalls) {
      const outcome = call.status === 'failed' ? `error: ${call.error ?? ''}` : call.status === 'done' ? clip(JSON.stringify(call.result ?? null)) : call.status;
      lines.push(`    ${call.name}(${clip(JSON.stringify(call.arguments))})  ${outcome}${decided(call.record)}`);
    }
  }
  if (run.error) lines.push(`  failed: ${run.error.code}: ${run.error.message}`);
  if (run.text !== undefined) lines.push(`  answer: ${run.text}`);
  if (run.output !== undefined) lines.push(`  output: ${JSON.stringify(run.output)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The policy decision on the event, when it was not a plain allow. */
function decided(record: Recorded | undefined): string {
  const decision = record?.decision;
  if (!decision) return record ? `  [${record.status}]` : '';
  if (decision.allowed && decision.verdict !== 'require_approval') return '';
  return `  [${record.status}: ${decision.reason}]`;
}

function clip(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
