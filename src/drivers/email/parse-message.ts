/** A fetched message's raw source -> the shape events carry (EmailMessage). */
import type { AddressObject } from 'mailparser';
import type { EmailMessage } from './contract.js';

/**
 * The most of a body one event carries, in UTF-8 bytes: an event must fit a Service Bus message
 * (256 KB on the Standard tier) with its envelope and the rest of the message.
 */
export const MAX_BODY_BYTES = 64 * 1024;

export interface FetchedMessage {
  uid: number;
  uidValidity: bigint;
  source: Buffer;
  internalDate: Date | undefined;
}

export async function toEmailMessage(message: FetchedMessage, maxBodyBytes = MAX_BODY_BYTES): Promise<EmailMessage> {
  // Imported on first use, like imapflow (about 0.3 s): only hosts that read mail need it.
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(message.source, { skipImageLinks: true, skipTextToHtml: true });
  const text = parsed.text ?? (typeof parsed.html === 'string' ? htmlToPlainText(parsed.html) : '');
  const body = truncateUtf8(text, maxBodyBytes);
  const truncated = body.length < text.length;
  const received = message.internalDate ?? parsed.date;
  const fromAddress = parsed.from?.value[0]?.address;
  const cc = addressText(parsed.cc);
  return {
    // A mail without a Message-ID still needs a stable one: its place in the mailbox.
    messageId: parsed.messageId ?? `<uid-${message.uidValidity.toString()}-${message.uid}@imap.invalid>`,
    uid: message.uid,
    uidValidity: message.uidValidity.toString(),
    from: parsed.from?.text ?? '',
    ...(fromAddress !== undefined && { fromAddress }),
    to: addressText(parsed.to) ?? '',
    ...(cc !== undefined && { cc }),
    subject: parsed.subject ?? '',
    body,
    truncated,
    receivedAt: (received ?? new Date(0)).toISOString(),
    attachments: parsed.attachments.map((attachment) => ({
      ...(attachment.filename !== undefined && { filename: attachment.filename }),
      contentType: attachment.contentType,
      size: attachment.size,
    })),
  };
}

/** At most `maxBytes` of UTF-8, cut at a character boundary. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  // A cut inside a multi-byte character decodes to U+FFFD at the end: drop it.
  return Buffer.from(text).subarray(0, maxBytes).toString('utf8').replace(/\uFFFD+$/, '');
}

function addressText(value: AddressObject | AddressObject[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map((item) => item.text).join(', ');
}

/** Good enough for a summary when a mail has only HTML: tags out, entities of the common kind decoded. */
function htmlToPlainText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}
