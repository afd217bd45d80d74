/**
 * The `$management` operations the SDK's queue sender and receiver use, against one BrokerQueue:
 * renew-lock, schedule-message, peek-message and update-disposition (the fallback settlement
 * when the receiving link is gone). Anything else answers 501 so that a test fails loudly.
 */
import rhea, { type Message } from 'rhea';
import type { BrokerQueue, Settlement } from './broker-queue.js';
import { decodeMessage, outgoing, tokenOfUuid, type ManagementReply } from './codec.js';

const LOCK_LOST = 'com.microsoft:message-lock-lost';

export function handleManagement(queue: BrokerQueue, request: Message, now: number): ManagementReply {
  const operation = String((request.application_properties as Record<string, unknown> | undefined)?.operation ?? '');
  const body = (request.body ?? {}) as Record<string, unknown>;
  switch (operation) {
    case 'com.microsoft:renew-lock':
      return renewLocks(queue, body);
    case 'com.microsoft:schedule-message':
      return schedule(queue, body);
    case 'com.microsoft:peek-message':
      return peek(queue, body, now);
    case 'com.microsoft:update-disposition':
      return updateDisposition(queue, body);
    default:
      return { status: 501, condition: 'amqp:not-implemented', description: `the test broker does not implement ${operation || 'this operation'}` };
  }
}

function tokens(body: Record<string, unknown>): string[] {
  const value = body['lock-tokens'];
  return (Array.isArray(value) ? value : [value]).map(tokenOfUuid);
}

function renewLocks(queue: BrokerQueue, body: Record<string, unknown>): ManagementReply {
  const expirations: Date[] = [];
  for (const token of tokens(body)) {
    const until = queue.renew(token);
    if (until === undefined) return { status: 410, condition: LOCK_LOST, description: `the lock ${token} was lost` };
    expirations.push(new Date(until));
  }
  return { status: 200, body: { expirations } };
}

function schedule(queue: BrokerQueue, body: Record<string, unknown>): ManagementReply {
  const entries = (body.messages ?? []) as Array<{ message: Buffer }>;
  const sequenceNumbers = entries.map((entry) => {
    const message = decodeMessage(entry.message);
    const at = (message.message_annotations as Record<string, unknown> | undefined)?.['x-opt-scheduled-enqueue-time'];
    // A duplicate is dropped silently, as on a send; it has no sequence number of its own.
    return queue.enqueue(message, at instanceof Date ? at.getTime() : undefined) ?? 0;
  });
  return { status: 200, body: { 'sequence-numbers': sequenceNumbers } };
}

function peek(queue: BrokerQueue, body: Record<string, unknown>, now: number): ManagementReply {
  const from = Number(body['from-sequence-number'] ?? 1);
  const count = Number(body['message-count'] ?? 1);
  const found = queue.peek(from, count);
  if (found.length === 0) return { status: 204, description: 'No messages' };
  return { status: 200, body: { messages: found.map((stored) => ({ message: rhea.message.encode(outgoing(stored, undefined, now)) })) } };
}

function updateDisposition(queue: BrokerQueue, body: Record<string, unknown>): ManagementReply {
  const status = String(body['disposition-status']);
  const properties = body['properties-to-modify'] as Record<string, unknown> | undefined;
  let settlement: Settlement;
  if (status === 'completed') settlement = { kind: 'complete' };
  else if (status === 'abandoned') settlement = properties ? { kind: 'abandon', properties } : { kind: 'abandon' };
  else if (status === 'suspended') {
    settlement = { kind: 'deadLetter', reason: String(body['deadletter-reason'] ?? ''), description: String(body['deadletter-description'] ?? '') };
    if (properties) settlement.properties = properties;
  } else return { status: 501, condition: 'amqp:not-implemented', description: `disposition ${status} (deferral) is not emulated` };
  for (const token of tokens(body)) {
    if (!queue.settle(token, settlement)) return { status: 410, condition: LOCK_LOST, description: `the lock ${token} was lost` };
  }
  return { status: 200 };
}
