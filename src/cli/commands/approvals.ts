/** `vextir approvals ls` and `vextir approvals approve|reject <id> [--comment]`. */
import type { Client } from '../client.js';
import { CliError } from '../cli-error.js';

interface ApprovalView {
  id: string;
  eventId: string;
  eventType: string;
  policy: string;
  reason: string;
  status: string;
  requestedAt: string;
}

export async function approvalsListCommand(client: Client, status: string | undefined): Promise<void> {
  const query = status ? `?status=${encodeURIComponent(status)}` : '';
  const { approvals } = await client.json<{ approvals: ApprovalView[] }>('GET', `/api/approvals${query}`);
  if (approvals.length === 0) process.stdout.write(`no ${status ?? 'pending'} approvals\n`);
  for (const a of approvals) process.stdout.write(`${a.id}  ${a.status.padEnd(8)} ${a.eventType} ${a.eventId}  policy=${a.policy}: ${a.reason}\n`);
}

export async function approvalDecideCommand(client: Client, decision: 'approve' | 'reject', id: string | undefined, comment: string | undefined): Promise<void> {
  if (!id) throw new CliError(`usage: vextir approvals ${decision} <approval id> [--comment <text>]`, 2);
  const body = JSON.stringify(comment === undefined ? { decision } : { decision, comment });
  const result = await client.json<{ approval: ApprovalView; released: boolean }>('POST', `/api/approvals/${encodeURIComponent(id)}`, {
    body,
    headers: { 'content-type': 'application/json' },
  });
  const what = result.approval.status === 'approved' ? (result.released ? 'approved; the event runs now' : 'approved') : 'rejected; the event is denied';
  process.stdout.write(`${id}: ${what} (${result.approval.eventType} ${result.approval.eventId})\n`);
}
