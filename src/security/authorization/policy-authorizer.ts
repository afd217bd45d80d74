/**
 * The authorization stage for real: the ACL check on context paths, then the policies.
 *
 *   context.* event -> normalize its path, check the owner's grants   (acl)
 *   policies        -> global + the user's, compiled and cached        (policy-engine)
 *   environment     -> the event, usage counters, PII findings, the model, the context path
 *                      (usage and PII only when some applicable condition reads them)
 *   decision        -> allow (with restrictions, notifications), deny, park for approval, or
 *                      throttle (delay to the next window: `throttle.runAt` says when)
 *
 * Anything that throws here denies the event (the processor fails closed), except store
 * outages, which are retryable and redeliver it.
 */
import { randomUUID } from 'node:crypto';
import { approvalId, type AuditDraft, type Authorization, type Authorizer, type Clock, type Decision, type Envelope, type Logger, throttleRunAt } from '../../kernel/index.js';
import type { GrantStore } from '../acl/index.js';
import { NO_PACKS, PackEnforcer, type PackGrants } from '../packs/index.js';
import { PiiVerdictCache, redactPii, type PiiFinding } from '../pii/index.js';
import { evaluatePolicies, type CompiledPolicySet, type Evaluation } from '../policy/index.js';
import type { UsageCounters, UsageSnapshot } from '../usage/index.js';
import type { ApprovalStatus, ApprovalStore } from './approval-store.js';
import { checkContextAccess, namedContextPaths, type ContextAccess } from './context-access.js';
import { DecisionInterner } from './decision-interner.js';
import { packDenial, withPackLimits } from './pack-decision.js';
import type { PolicyRepository } from './policy-repository.js';

export const POLICY_AUTHORIZER = 'policy-engine';

/** Most events ask for no approval: nothing to read. */
const NO_APPROVALS: ReadonlyMap<string, ApprovalStatus> = new Map();

export interface PolicyAuthorizerDeps {
  policies: PolicyRepository;
  usage: UsageCounters;
  approvals: ApprovalStore;
  grants: GrantStore;
  clock: Clock;
  logger: Logger;
  /** Skill packs' drivers and grants (none: no pack is installed). */
  packs?: PackGrants;
}

/** What a dry run may substitute: usage figures, and a draft of the user's own policies. */
export interface ExplainOptions {
  usage?: UsageSnapshot;
  policies?: CompiledPolicySet;
}

export interface Explanation {
  decision: Decision;
  evaluation: Evaluation | undefined;
  environment: { contextPath: string; model: string; usage: UsageSnapshot | undefined; pii: string[] | undefined };
}

export class PolicyAuthorizer implements Authorizer {
  readonly name = POLICY_AUTHORIZER;

  readonly #packs: PackEnforcer;
  /** Strings a user's events repeat (senders, prompts, an agent's conversation) are scanned once. */
  readonly #verdicts = new PiiVerdictCache();
  /** Most events get one of a few decisions: the same sealed object for each (decision-interner.ts). */
  readonly #decisions = new DecisionInterner();

  constructor(private readonly deps: PolicyAuthorizerDeps) {
    this.#packs = new PackEnforcer(deps.packs ?? NO_PACKS, deps.usage, deps.clock);
  }

  async authorize(event: Envelope): Promise<Authorization> {
    const { decision, scan, access } = await this.#decide(event, {}, true);
    const relatedAudit = decision.allowed && access?.kind === 'allowed' && access.owner !== event.userid ? [this.#grantedAccess(event, access)] : undefined;
    // Most decisions ask for no approval: their authorization is ready without another await.
    const { approval } = decision;
    if (approval) await this.#requestApproval(event, approval);
    const authorization = views(event, decision, scan);
    return relatedAudit ? { ...authorization, relatedAudit } : authorization;
  }

  /** The entry for the owner's chain: who reached which of their paths, how, through which grant. */
  #grantedAccess(event: Envelope, access: Extract<ContextAccess, { kind: 'allowed' }>): AuditDraft {
    return {
      userId: access.owner,
      id: randomUUID(),
      at: this.deps.clock.now().toISOString(),
      kind: 'access',
      action: `context.${access.access}`,
      target: access.path,
      reason: `${event.userid} (event ${event.type} ${event.id}${event.producer !== undefined ? ` from /drivers/${event.producer}` : ''}) through the grant on ${access.grantPath ?? 'a folder above'}`,
    };
  }

  async #requestApproval(event: Envelope, approval: NonNullable<Decision['approval']>): Promise<void> {
    await this.deps.approvals.request(event.userid, {
      id: approval.id,
      eventId: event.id,
      eventType: event.type,
      policy: approval.policy,
      reason: approval.reason,
      requestedAt: this.deps.clock.now().toISOString(),
    });
  }

  /** The decision an event would get, and why, without recording or counting anything. */
  async explain(event: Envelope, options: ExplainOptions): Promise<Explanation> {
    const result = await this.#decide(event, options, false);
    return { decision: result.decision, evaluation: result.evaluation, environment: result.environment };
  }

  async #decide(event: Envelope, options: ExplainOptions, live: boolean) {
    // One pass finds personal data and builds the redacted copy: a redaction is needed whenever
    // PII protection applies, and scanning twice cost as much again.
    let scanned: { findings: PiiFinding[]; value: unknown } | undefined;
    const scan = () => (scanned ??= redactPii(event.data ?? null, undefined, { cache: this.#verdicts, scope: event.userid }));
    const model = requestedModel(event);
    // A pack's grant first: what it forbids no policy can allow (src/security/packs).
    const packChecked = this.#packs.check(event);
    const pack = packChecked === undefined ? undefined : await packChecked;
    if (pack?.denied) {
      return { decision: packDenial(POLICY_AUTHORIZER, { ...pack, denied: pack.denied }), scan, access: undefined, evaluation: undefined, environment: { contextPath: pack.denied.contextPath ?? '', model, usage: undefined, pii: undefined } };
    }
    const checked = checkContextAccess(event, this.deps.grants);
    const access = checked instanceof Promise ? await checked : checked;
    if (access.kind === 'denied') {
      const decision: Decision = { allowed: false, authorizer: 'acl', reason: access.reason, policies: [], verdict: 'deny' };
      if (access.path !== undefined) decision.contextPath = access.path;
      return { decision, scan, access, evaluation: undefined, environment: { contextPath: access.path ?? '', model, usage: undefined, pii: undefined } };
    }
    const contextPath = access.kind === 'allowed' ? access.path : '';
    const compiled = options.policies ?? this.deps.policies.compiledFor(event.userid);
    const set = compiled instanceof Promise ? await compiled : compiled;
    const plan = set.forUser(event.userid);
    let usage: UsageSnapshot | undefined;
    if (plan.needs.usage) {
      const counted = options.usage ?? this.deps.usage.snapshot(event.userid, this.deps.clock.now());
      usage = roundCounts(counted instanceof Promise ? await counted : counted);
    }
    const pii = plan.needs.pii ? scan().findings : undefined;
    const piiKinds = pii && kindsOf(pii);
    const asked = plan.approvalPolicies;
    const requested = requestedApprovalOf(event);
    const policies = requested === undefined ? asked : [...asked, requested.policy];
    const approvals = policies.length === 0 ? NO_APPROVALS : await this.#approvals(event, policies);
    const evaluated = evaluatePolicies(
      set,
      {
        event: { id: event.id, type: event.type, category: event.category, source: event.source, subject: event.subject, depth: event.depth, data: event.data ?? null, time: event.time },
        user: { id: event.userid },
        usage,
        context: { path: contextPath, paths: namedContextPaths(event) },
        model,
        pii: pii && piiKinds && { found: pii.length > 0, kinds: piiKinds },
      },
      { userId: event.userid, approvals: (policy) => settled(approvals.get(policy)) },
    );
    const evaluation = requested === undefined ? evaluated : withRequestedApproval(evaluated, requested, settled(approvals.get(requested.policy)));
    if (live) for (const log of evaluation.logs) this.deps.logger.info({ policy: log.policy, eventId: event.id, userId: event.userid }, log.message);
    const make = () => toDecision(event, evaluation, contextPath, piiKinds, this.deps.clock.now());
    const decided = live && requested === undefined ? this.#decisions.decision(plan, evaluation, piiKinds, contextPath, make) : make();
    const decision = pack === undefined ? decided : withPackLimits(decided, pack);
    return { decision, scan, access, evaluation, environment: { contextPath, model, usage, pii: piiKinds } };
  }

  /** The state of every approval this event may already have, by policy id: one read. */
  async #approvals(event: Envelope, policies: readonly string[]): Promise<ReadonlyMap<string, ApprovalStatus>> {
    const ids = new Map(policies.map((policy) => [approvalId(event.userid, event.id, policy), policy]));
    const statuses = await this.deps.approvals.statuses(event.userid, [...ids.keys()]);
    return new Map([...statuses].map(([id, status]) => [ids.get(id) ?? id, status]));
  }
}

/**
 * A driver may ask that an event it emits be approved by a person (`requireApproval`, the
 * envelope's `approval`): an agent's tool that needs sign-off. It is decided like a policy of
 * its own, `driver:<id>`, after the policies: a deny still wins, and once the person approved,
 * the released event runs.
 */
function requestedApprovalOf(event: Envelope): { policy: string; reason: string } | undefined {
  if (event.approval === undefined) return undefined;
  const driver = event.producer ?? 'unknown';
  return { policy: `driver:${driver}`, reason: event.approval };
}

function withRequestedApproval(evaluation: Evaluation, requested: { policy: string; reason: string }, state: 'approved' | 'rejected' | undefined): Evaluation {
  if (evaluation.verdict !== 'allow' || state === 'approved') return evaluation;
  const evaluated = [...evaluation.evaluated, requested.policy];
  if (state === 'rejected') {
    return { ...evaluation, evaluated, verdict: 'deny', decidedBy: requested.policy, reason: `Denied: the approval ${requested.policy} asked for (${requested.reason}) was rejected` };
  }
  return {
    ...evaluation,
    evaluated,
    verdict: 'require_approval',
    decidedBy: requested.policy,
    reason: `Approval required by ${requested.policy}: ${requested.reason}`,
    approval: requested,
  };
}

/** The decision, and the redacted copy external drivers get when a policy asks for it and there is personal data. */
function views(event: Envelope, decision: Decision, scan: () => { findings: PiiFinding[]; value: unknown }): Authorization {
  if (!decision.allowed || decision.restrictions?.redactPii !== true) return { decision };
  const { findings, value } = scan();
  if (findings.length === 0) return { decision };
  return { decision, externalView: { ...event, data: value } };
}

function toDecision(event: Envelope, evaluation: Evaluation, contextPath: string, piiKinds: string[] | undefined, now: Date): Decision {
  const decision: Decision = {
    allowed: evaluation.verdict === 'allow',
    authorizer: POLICY_AUTHORIZER,
    reason: evaluation.reason,
    policies: evaluation.evaluated,
    verdict: evaluation.verdict,
  };
  if (evaluation.decidedBy !== undefined) decision.decidedBy = evaluation.decidedBy;
  if (evaluation.matched.length > 0) decision.matched = evaluation.matched;
  if (Object.keys(evaluation.restrictions).length > 0) decision.restrictions = evaluation.restrictions;
  if (evaluation.notifications.length > 0) decision.notifications = evaluation.notifications;
  if (evaluation.verdict === 'require_approval' && evaluation.approval) {
    decision.approval = { id: approvalId(event.userid, event.id, evaluation.approval.policy), ...evaluation.approval };
  }
  if (evaluation.verdict === 'throttle' && evaluation.throttle) {
    const { policy, window } = evaluation.throttle;
    decision.throttle = { policy, window, runAt: throttleRunAt(window, now, event.id).toISOString() };
  }
  if (piiKinds && piiKinds.length > 0) decision.pii = piiKinds;
  if (contextPath !== '') decision.contextPath = contextPath;
  return decision;
}

function settled(status: ApprovalStatus | undefined): 'approved' | 'rejected' | undefined {
  return status === 'approved' || status === 'rejected' ? status : undefined;
}

function kindsOf(findings: readonly PiiFinding[]): string[] {
  if (findings.length === 0) return [];
  return [...new Set(findings.map((finding) => finding.kind))].sort();
}

/** Sliding-window estimates are fractional; conditions compare whole counts. */
function roundCounts(usage: UsageSnapshot): UsageSnapshot {
  return {
    ...usage,
    events_per_minute: Math.round(usage.events_per_minute),
    events_per_hour: Math.round(usage.events_per_hour),
    events_per_day: Math.round(usage.events_per_day),
    tokens_today: Math.round(usage.tokens_today),
    tokens_month: Math.round(usage.tokens_month),
  };
}

/** Answers name the model that answered; they ask for none (a spent budget must not swallow an answer already paid for). */
const MODEL_ANSWERS: ReadonlySet<string> = new Set(['model.response', 'model.error']);

/**
 * The model an event asks for (`model` in policies): its `data.model`, unless the event is an
 * answer — a models driver's response, or any answer addressed to the driver that asked.
 */
function requestedModel(event: Envelope): string {
  if (event.recipient !== undefined || MODEL_ANSWERS.has(event.type)) return '';
  const model = dataField(event, 'model');
  return typeof model === 'string' ? model : '';
}

function dataField(event: Envelope, field: string): unknown {
  const data = event.data;
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>)[field] : undefined;
}
