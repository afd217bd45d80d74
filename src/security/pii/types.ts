/**
 * Types of the PII scanner. A finding says *where* personal data sits (a JSON pointer and a
 * range inside the string found there), never the data itself, so findings can be logged and
 * audited without leaking what they point at.
 */
import { z } from 'zod';

const KINDS = ['email', 'phone', 'payment_card', 'iban', 'national_id', 'secret'] as const;

/** What sort of personal data (or credential) a finding is. */
export type PiiKind = (typeof KINDS)[number];
export const PII_KINDS: readonly PiiKind[] = KINDS;

export interface PiiFinding {
  kind: PiiKind;
  /**
   * JSON pointer (RFC 6901) of the string or number holding it; for an object key, the pointer
   * of the member whose key it is (and `inKey` is true).
   */
  pointer: string;
  /** Range in that string (or in the number's decimal string): UTF-16 offsets, end exclusive. */
  start: number;
  end: number;
  /** What exactly matched, e.g. 'us_ssn', 'aws_access_key', 'visa', 'e164', 'DE' (IBAN country). */
  detail?: string;
  /** The finding is in an object key, not in the value at `pointer`. */
  inKey?: true;
}

export interface PiiScanOptions {
  /** Report only these kinds (default: all). Must not be empty: scanning for nothing is a bug. */
  kinds?: readonly PiiKind[];
  /** detectPii stops after this many findings. redactPii ignores it: a redaction is never partial. */
  maxFindings?: number;
}

export const scanOptionsSchema = z.object({
  kinds: z.array(z.enum(KINDS)).min(1).readonly().optional(),
  maxFindings: z.number().int().positive().optional(),
});

/** A match inside one string, before it is placed in the document. */
export interface Candidate {
  kind: PiiKind;
  start: number;
  end: number;
  detail?: string;
}

/** What a detector may know about the string besides its text. */
export interface TextContext {
  /** The property name the string is the value of (also for the items of an array held there). */
  key: string | undefined;
  /** The string is itself an object key. */
  inKey: boolean;
}
