/**
 * How a pack's check (src/security/packs) joins the decision: a denial by `pack:<name>` in the
 * shape a policy's deny has (so the record, the `event.denied` answer and the audit entry name
 * it), and the restrictions and matches it adds to any other decision.
 */
import { mergeRestrictions, type Decision } from '../../kernel/index.js';
import type { PackCheck } from '../packs/index.js';

export function packDenial(authorizer: string, check: PackCheck & { denied: NonNullable<PackCheck['denied']> }): Decision {
  const { policy, reason, contextPath } = check.denied;
  const decision: Decision = {
    allowed: false,
    authorizer,
    reason,
    policies: [policy],
    verdict: 'deny',
    decidedBy: policy,
    matched: check.matched,
  };
  if (contextPath !== undefined) decision.contextPath = contextPath;
  return decision;
}

/** The pack's restrictions (a driver kept out, the models "auto" may choose) on top of the policies' decision. */
export function withPackLimits(decision: Decision, check: PackCheck): Decision {
  if (check.matched.length === 0 && check.restrictions === undefined) return decision;
  const packs = [...new Set(check.matched.map((match) => match.id))];
  const limited: Decision = { ...decision, policies: [...decision.policies, ...packs.filter((id) => !decision.policies.includes(id))] };
  if (check.matched.length > 0) limited.matched = [...(decision.matched ?? []), ...check.matched];
  if (check.restrictions !== undefined) limited.restrictions = mergeRestrictions(decision.restrictions ?? {}, check.restrictions);
  return limited;
}
