/**
 * A new user's context hub is not empty: the first time a user touches it (over HTTP or with a
 * `context.*` event) they get the folders /Projects, /Documents, /Notes and /Research and a
 * /Welcome document that explains the hub.
 *
 * - Idempotent and race-safe: folders are created with makeFolder (an existing folder is kept),
 *   the welcome document with `ifNoneMatch: '*'`, so two instances provisioning one user at
 *   once, or a retry after a crash half-way, converge on one workspace and never overwrite
 *   anything the user wrote.
 * - Once: a marker item in the StateStore (the truth, shared by every instance) records that the
 *   user was provisioned, so a user who deletes /Welcome or /Research does not get them back.
 *   The marker is written last: a crash before it only means the idempotent steps run again.
 * - Cheap afterwards: provisioned users are remembered in memory (bounded), so the usual cost
 *   is one Set lookup; concurrent first touches in one process share one provisioning run.
 */
import { isKernelError } from '../errors.js';
import type { ContextStore } from '../ports/context.js';
import type { StateStore } from '../ports/state.js';

export const WORKSPACE_FOLDERS: readonly string[] = Object.freeze(['/Projects', '/Documents', '/Notes', '/Research']);
export const WELCOME_PATH = '/Welcome';

/** Where the "provisioned" marker lives in the StateStore (partition = the user id). */
export const WORKSPACE_MARKER = Object.freeze({ kind: 'context', key: 'workspace' });

export const WELCOME_TEXT = `# Welcome to your Context Hub

The Context Hub is your persistent memory in Vextir OS: documents and folders addressed by
paths such as \`/Projects/Alpha/status\`. Agents and tools read and write it with \`context.*\`
events; you use the HTTP API (\`/api/context/...\`) or the command line (\`vextir context ...\`).

- **Documents** hold JSON or text (Markdown, plain text...) plus a metadata object, e.g.
  \`{"priority": "high", "tags": ["q3"]}\`.
- **Folders** organize them: /Projects, /Documents, /Notes and /Research are here to start with.
- **Versions**: every document keeps its earlier versions; you can list and restore them.
- **Query** by metadata and fields: \`vextir context query /Projects 'metadata.priority = "high"'\`.
- **Search** the text of everything: \`vextir context search "quarterly report"\`.
- **Share** a folder with another user or an agent: \`vextir grants add /Projects user:bob read\`.

Writes are guarded by ETags: send \`If-Match\` with the ETag you read, and a concurrent change
is refused (412) instead of silently overwritten.

This document is yours: edit it, move it or delete it; it will not come back.
`;

/** Provisioned users remembered per process; past this, the memory starts over (the store stays the truth). */
const REMEMBERED_USERS = 10_000;

export class ContextWorkspace {
  readonly #provisioned = new Set<string>();
  readonly #running = new Map<string, Promise<void>>();

  constructor(
    private readonly context: ContextStore,
    private readonly state: StateStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Makes sure `userId` has had their starting workspace; throws only what the stores throw (e.g. `unavailable`). */
  async ensure(userId: string): Promise<void> {
    if (this.#provisioned.has(userId)) return;
    let running = this.#running.get(userId);
    if (running === undefined) {
      running = this.#provision(userId).finally(() => this.#running.delete(userId));
      this.#running.set(userId, running);
    }
    await running;
  }

  async #provision(userId: string): Promise<void> {
    const marker = await this.state.get(userId, WORKSPACE_MARKER.kind, WORKSPACE_MARKER.key);
    if (marker === undefined) {
      for (const folder of WORKSPACE_FOLDERS) await tolerateExisting(this.context.makeFolder(userId, folder));
      await tolerateExisting(this.context.put(userId, WELCOME_PATH, { content: WELCOME_TEXT, contentType: 'text/markdown', metadata: { kind: 'welcome' } }, { ifNoneMatch: '*' }));
      await tolerateExisting(this.state.put(userId, WORKSPACE_MARKER.kind, WORKSPACE_MARKER.key, { provisionedAt: this.now().toISOString() }, { ifNoneMatch: '*' }));
    }
    if (this.#provisioned.size >= REMEMBERED_USERS) this.#provisioned.clear();
    this.#provisioned.add(userId);
  }
}

/**
 * Something already at the path (the user's own document where a folder would go, a welcome
 * written by a concurrent run, the marker written by another instance) is left as it is; so is
 * a welcome larger than a deployment's document limit. Store outages still throw.
 */
async function tolerateExisting(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (isKernelError(error, 'conflict') || isKernelError(error, 'precondition_failed') || isKernelError(error, 'payload_too_large')) return;
    throw error;
  }
}
