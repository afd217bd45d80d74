/**
 * Approvals asked for by `require_approval` policies, kept in the state store (partition = the
 * event's user, kind `approval`, key = the deterministic approval id). The authorizer writes a
 * `pending` item when it parks an event; `POST /api/approvals/{id}` turns it into `approved` or
 * `rejected` exactly once (ETag-checked), and the authorizer reads the decision when the event
 * comes back.
 */
import { z } from 'zod';
import { isKernelError, KernelError, type StateItem, type StateStore } from '../../kernel/index.js';

const KIND = 'approval';

export const approvalStatusSchema = z.enum(['pending', 'approved', 'rejected']);
export type ApprovalStatus = z.infer<typeof approvalStatusSchema>;

export const approvalSchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  policy: z.string(),
  reason: z.string(),
  status: approvalStatusSchema,
  requestedAt: z.string(),
  decidedAt: z.string().optional(),
  decidedBy: z.string().optional(),
  comment: z.string().optional(),
});
export type Approval = z.infer<typeof approvalSchema>;

export class ApprovalStore {
  constructor(private readonly state: StateStore) {}

  async get(userId: string, id: string): Promise<{ approval: Approval; etag: string } | undefined> {
    const item = await this.state.get(userId, KIND, id);
    return item && { approval: parse(item), etag: item.etag };
  }

  /** Decisions among `ids` (pending ones included), by id. One read for all of them. */
  async statuses(userId: string, ids: readonly string[]): Promise<Map<string, ApprovalStatus>> {
    if (ids.length === 0) return new Map();
    const items = await this.state.getMany(userId, KIND, ids);
    return new Map(items.map((item) => [item.key, parse(item).status]));
  }

  /** Records the request; a second request for the same approval (a redelivery) changes nothing. */
  async request(userId: string, approval: Omit<Approval, 'status'>): Promise<void> {
    try {
      await this.state.put(userId, KIND, approval.id, { ...approval, status: 'pending' }, { ifNoneMatch: '*' });
    } catch (error) {
      if (!isKernelError(error, 'precondition_failed')) throw error;
    }
  }

  /**
   * A user's approvals in id order, only those with `status` when given. Filtering by status
   * reads page after page until `limit` match or the approvals run out: pending ones can sit
   * behind any number of decided ones.
   */
  async list(userId: string, status: ApprovalStatus | undefined, limit: number): Promise<Approval[]> {
    if (status === undefined) return (await this.state.list(userId, KIND, { limit })).map(parse);
    const found: Approval[] = [];
    let afterKey: string | undefined;
    while (found.length < limit) {
      const page = await this.state.list(userId, KIND, { limit: LIST_PAGE, ...(afterKey === undefined ? {} : { afterKey }) });
      for (const item of page) {
        const approval = parse(item);
        if (approval.status === status && found.length < limit) found.push(approval);
      }
      if (page.length < LIST_PAGE) break;
      afterKey = page.at(-1)?.key;
    }
    return found;
  }

  /** Approve or reject a pending approval, once. A decided or unknown one is a clear error. */
  async decide(userId: string, id: string, decision: { status: 'approved' | 'rejected'; by: string; at: Date; comment?: string }): Promise<Approval> {
    const current = await this.get(userId, id);
    if (!current) throw new KernelError('not_found', `no approval "${id}" was found`);
    if (current.approval.status !== 'pending') {
      throw new KernelError('conflict', `approval "${id}" was already ${current.approval.status} by ${current.approval.decidedBy ?? 'someone'} at ${current.approval.decidedAt ?? 'an earlier time'}`);
    }
    const decided: Approval = { ...current.approval, status: decision.status, decidedBy: decision.by, decidedAt: decision.at.toISOString() };
    if (decision.comment !== undefined) decided.comment = decision.comment;
    try {
      await this.state.put(userId, KIND, id, decided, { ifMatch: current.etag });
    } catch (error) {
      if (isKernelError(error, 'precondition_failed')) throw new KernelError('conflict', `approval "${id}" was decided by someone else just now`, { cause: error });
      throw error;
    }
    return decided;
  }
}

/** Approvals read per page when listing by status. */
const LIST_PAGE = 500;

function parse(item: StateItem): Approval {
  const parsed = approvalSchema.safeParse(item.value);
  if (!parsed.success) throw new KernelError('internal', `approval item ${item.key} does not match the approval schema`, { cause: parsed.error });
  return parsed.data;
}
