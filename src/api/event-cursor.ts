/**
 * The `cursor` of event lists: a record's place in the store's order (EventPosition) as an opaque
 * string. Clients pass it back unchanged; its content is not part of the contract and may change.
 * It names a position, not a query: the same cursor continues any filter from that record on.
 */
import { z } from 'zod';
import { eventIdSchema, type EventPosition } from '../kernel/index.js';

const positionSchema = z.strictObject({ r: z.iso.datetime(), i: eventIdSchema });

export function encodeCursor(position: EventPosition): string {
  return Buffer.from(JSON.stringify({ r: position.receivedAt, i: position.id })).toString('base64url');
}

function decodeCursor(text: string): EventPosition | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = positionSchema.safeParse(value);
  return parsed.success ? { receivedAt: parsed.data.r, id: parsed.data.i } : undefined;
}

/** The `cursor` query parameter, decoded; anything this API did not hand out is a 400 naming it. */
export const cursorParam = z
  .string()
  .max(512, 'must be a cursor this endpoint handed out')
  .transform((text, ctx) => {
    const position = decodeCursor(text);
    if (position === undefined) ctx.addIssue({ code: 'custom', message: 'must be a cursor this endpoint handed out' });
    return position ?? z.NEVER;
  });
