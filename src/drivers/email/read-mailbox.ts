/** Reading messages from an open IMAP connection: by UID range (the watcher) or by date (email.fetch). */
import type { ImapFlow } from 'imapflow';
import type { EmailMessage } from './contract.js';
import { toEmailMessage } from './parse-message.js';

/** Messages with these UIDs (ascending), parsed, each body at most `maxBodyBytes`; the folder must be selected. */
export async function readMessages(client: ImapFlow, uidValidity: bigint, uids: readonly number[], maxBodyBytes?: number): Promise<EmailMessage[]> {
  if (uids.length === 0) return [];
  const fetched = await client.fetchAll(uids.join(','), { uid: true, source: true, internalDate: true }, { uid: true });
  const messages: EmailMessage[] = [];
  for (const message of fetched.sort((a, b) => a.uid - b.uid)) {
    if (message.source === undefined) continue;
    const internalDate = message.internalDate === undefined ? undefined : new Date(message.internalDate);
    messages.push(await toEmailMessage({ uid: message.uid, uidValidity, source: message.source, internalDate }, maxBodyBytes));
  }
  return messages;
}

/** UIDs above `afterUid` in the selected folder. (`N:*` alone also answers the last message when none is above N.) */
export async function uidsAfter(client: ImapFlow, afterUid: number): Promise<number[]> {
  const found = await client.search({ uid: `${afterUid + 1}:*` }, { uid: true });
  return (found || []).filter((uid) => uid > afterUid).sort((a, b) => a - b);
}

export interface IoErrorView {
  code: 'auth_failed' | 'not_found' | 'unavailable';
  message: string;
}

/** What an imapflow error means for the caller: credentials, a missing folder, or try again later. */
export function classifyImapError(error: unknown): IoErrorView {
  const e = (typeof error === 'object' && error !== null ? error : {}) as { authenticationFailed?: boolean; mailboxMissing?: boolean; serverResponseCode?: string; responseText?: string; message?: string; code?: string };
  const message = e.responseText ?? e.message ?? String(error);
  if (e.authenticationFailed === true || e.serverResponseCode === 'AUTHENTICATIONFAILED') return { code: 'auth_failed', message: `the IMAP server refused the credentials: ${message}` };
  if (e.mailboxMissing === true || e.serverResponseCode === 'NONEXISTENT') return { code: 'not_found', message: `no such folder: ${message}` };
  return { code: 'unavailable', message: `${e.code ?? 'error'}: ${message}` };
}
