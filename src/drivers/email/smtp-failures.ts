/**
 * What a failed nodemailer send means, decided once here:
 * - every recipient refused (EENVELOPE), AUTH refused (EAUTH), or a 5xx answer: for good,
 *   `email.failed` at once;
 * - a 4xx answer (greylisting, a full queue), a network or TLS failure, a timeout: worth retrying,
 *   the kernel redelivers the event.
 */
export type SmtpFailure =
  | { kind: 'permanent'; code: 'rejected' | 'auth_failed'; reason: string; rejected?: string[]; responseCode?: number }
  | { kind: 'retry'; reason: string };

interface NodemailerError {
  code?: unknown;
  responseCode?: unknown;
  rejected?: unknown;
  message?: unknown;
}

export function classifySmtpError(error: unknown): SmtpFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as NodemailerError;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === 'EAUTH') return { kind: 'permanent', code: 'auth_failed', reason: `the SMTP server refused the credentials (SMTP_USER, SMTP_PASSWORD): ${message}`, ...(responseCode !== undefined && { responseCode }) };
  if (code === 'EENVELOPE' && (responseCode === undefined || responseCode >= 500)) {
    const rejected = Array.isArray(e.rejected) ? e.rejected.filter((item): item is string => typeof item === 'string') : undefined;
    return { kind: 'permanent', code: 'rejected', reason: message, ...(rejected !== undefined && { rejected }), ...(responseCode !== undefined && { responseCode }) };
  }
  if (responseCode !== undefined && responseCode >= 500) return { kind: 'permanent', code: 'rejected', reason: message, responseCode };
  return { kind: 'retry', reason: `${code ?? 'error'}: ${message}` };
}
