/**
 * Decisions an authorizer hands to many events. Most events get one of a handful of decisions
 * (the same policies evaluated, the same one matched, the same kinds of personal data), so an
 * authorizer may keep each one it makes and hand the same object out again. Sealed, such a
 * decision is parsed once and its canonical JSON written once, instead of both being done again
 * for every event's audit entry, which was the largest part of what a policy decision cost the
 * processor beyond an allow-all one.
 */
import { isSealed, sealCanonical } from './canonical-json.js';
import { KernelError } from './errors.js';
import { decisionSchema, type Decision } from './records.js';

/**
 * The decision, parsed by the audit schema's rules and sealed: deep-frozen, its canonical text
 * kept. Throws `invalid_input` when it does not match the schema or has no canonical form (a
 * lone surrogate): such a decision is not worth keeping, and the caller hands it out unsealed.
 */
export function sealDecision(decision: Decision): Decision {
  const parsed = decisionSchema.safeParse(decision);
  if (!parsed.success) throw new KernelError('invalid_input', 'a decision to seal does not match the decision schema', { cause: parsed.error, retryable: false });
  try {
    return sealCanonical(parsed.data);
  } catch (error) {
    throw new KernelError('invalid_input', 'a decision to seal has no canonical JSON form', { cause: error, retryable: false });
  }
}

/** True for a decision sealDecision returned: already parsed, its canonical text kept. */
export function isSealedDecision(decision: Decision): boolean {
  return isSealed(decision);
}
