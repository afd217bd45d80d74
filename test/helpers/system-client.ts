/**
 * A user's side of a running system over HTTP: dev tokens signed with the data folder's secret,
 * plain requests, emit, and waiting for an event to settle. Shared by the in-process test system
 * (local-system.ts) and the `vextir start` child process (host-process-system.ts).
 */
import { DEFAULT_ADMIN_ROLE, loadOrCreateDevSecret, signDevToken } from '../../src/security/index.js';

export interface RecordBody {
  id: string;
  type: string;
  status: string;
  children: string[];
  drivers: Array<{ driver: string; status: string; error?: { code: string; message: string } }>;
  decision?: Record<string, unknown> & { allowed: boolean; authorizer: string; reason: string };
  event: { type: string; data: unknown };
  error?: { code: string; message: string };
}

export interface SystemClient {
  token(user: string, options?: { admin?: boolean }): Promise<string>;
  request(user: string | undefined, method: string, path: string, init?: { body?: unknown; headers?: Record<string, string>; admin?: boolean }): Promise<Response>;
  emit(user: string, type: string, data?: unknown, extra?: Record<string, unknown>): Promise<string>;
  /** Polls until the event leaves `accepted` (or the predicate holds). */
  settled(user: string, id: string, done?: (record: RecordBody) => boolean): Promise<RecordBody>;
}

export function systemClient(url: string, dataDir: string): SystemClient {
  const secret = loadOrCreateDevSecret(dataDir);
  const token: SystemClient['token'] = (user, opts = {}) => signDevToken(secret, user, { roles: opts.admin ? [DEFAULT_ADMIN_ROLE] : [] });
  const request: SystemClient['request'] = async (user, method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (user !== undefined) headers['authorization'] = `Bearer ${await token(user, { admin: init.admin ?? false })}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    return fetch(`${url}${path}`, { method, headers, ...(body !== undefined && { body }) });
  };
  return {
    token,
    request,
    async emit(user, type, data, extra = {}) {
      const response = await request(user, 'POST', '/api/events', { body: { type, ...(data !== undefined && { data }), ...extra } });
      const body = (await response.json()) as { ids?: string[]; detail?: string };
      if (response.status !== 202 || !body.ids?.[0]) throw new Error(`emit ${type} answered ${response.status}: ${JSON.stringify(body)}`);
      return body.ids[0];
    },
    async settled(user, id, done = (record) => record.status !== 'accepted') {
      for (let i = 0; i < 400; i += 1) {
        const response = await request(user, 'GET', `/api/events/${encodeURIComponent(id)}`);
        if (response.status === 200) {
          const record = (await response.json()) as RecordBody;
          if (done(record)) return record;
        } else {
          await response.arrayBuffer();
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`event ${id} of ${user} did not settle in time`);
    },
  };
}
