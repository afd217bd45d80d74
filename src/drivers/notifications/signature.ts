/**
 * Webhook signatures: `Vextir-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * The timestamp is signed with the body, so a captured request cannot be replayed later than the
 * verifier's tolerance; `v1` may appear more than once (a receiver rotating its secret accepts
 * any that matches). Receivers verify with `verifyWebhookSignature` (or the README's snippet).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Vextir-Signature';
export const IDEMPOTENCY_KEY_HEADER = 'Vextir-Idempotency-Key';
export const EVENT_ID_HEADER = 'Vextir-Event-Id';
export const ATTEMPT_HEADER = 'Vextir-Attempt';

/** The header value for `body` signed at `timestampSeconds`. */
export function signWebhook(secret: string, body: string | Uint8Array, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmacHex(secret, timestampSeconds, body)}`;
}

export interface VerifyOptions {
  /** How far the signed timestamp may be from now, either way (default 300 s). */
  toleranceSeconds?: number;
  /** Now, in milliseconds since the epoch (default Date.now()). */
  now?: number;
}

export type Verification = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Checks a `Vextir-Signature` header against the raw body (exactly the bytes received, before
 * any JSON parsing). Refuses a missing or malformed header, a timestamp outside the tolerance
 * (a replay) and a signature that matches no `v1`. Compares in constant time.
 */
export function verifyWebhookSignature(secret: string, header: string | undefined, body: string | Uint8Array, options: VerifyOptions = {}): Verification {
  if (header === undefined || header === '') return { ok: false, reason: `no ${SIGNATURE_HEADER} header` };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, value = ''] = part.trim().split('=', 2);
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: `malformed ${SIGNATURE_HEADER} header: expected t=<seconds>,v1=<hex>` };
  const tolerance = options.toleranceSeconds ?? 300;
  const age = Math.abs((options.now ?? Date.now()) / 1000 - timestamp);
  if (age > tolerance) return { ok: false, reason: `timestamp ${timestamp} is ${Math.round(age)} s away from now, more than the ${tolerance} s tolerance` };
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  const matches = signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'signature does not match' };
}

function hmacHex(secret: string, timestampSeconds: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
}
