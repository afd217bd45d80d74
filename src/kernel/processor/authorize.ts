/**
 * The authorization stage's port. The security module provides implementations; the kernel
 * only knows that every event is asked about, and that an error denies (fail closed).
 */
import type { Envelope } from '../envelope.js';
import type { Decision } from '../records.js';

export interface Authorizer {
  /** A short name recorded with every decision, e.g. `allow-all` or `policy-engine`. */
  readonly name: string;
  authorize(event: Envelope, signal?: AbortSignal): Promise<Decision>;
}
