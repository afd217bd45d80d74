/**
 * Runs the detectors over one string and settles overlaps. Detectors run in priority order
 * (secret, email, iban, payment_card, national_id, phone) and a match that overlaps one of a
 * higher priority is dropped: a card number is reported as a card, not also as a phone, and an
 * e-mail inside `password=...` is redacted as part of the secret. Within one kind the leftmost,
 * then longest match wins.
 *
 * A kinds filter does not change what is found: the detectors that outrank a requested kind still
 * run, so a card is never reported as a phone because cards were not asked for.
 */
import { detectEmails } from './email.js';
import { detectIbans } from './iban.js';
import { detectNationalIds } from './national-id.js';
import { detectPaymentCards } from './payment-card.js';
import { detectPhones } from './phone.js';
import { detectAssignments, detectCredentialField } from './secret-assignments.js';
import { detectSecretTokens } from './secret-tokens.js';
import { TextInput } from './text.js';
import type { Candidate, PiiKind, TextContext } from './types.js';

function detectSecrets(input: TextInput): Candidate[] {
  const field = detectCredentialField(input);
  const tokens = detectSecretTokens(input);
  const assignments = detectAssignments(input);
  // Nearly every string has none of them: no new array then.
  if (tokens.length === 0 && assignments.length === 0) return field;
  return [...field, ...tokens, ...assignments];
}

/** ASCII digits in `text`: each numeric detector needs a minimum of them. */
function digitCount(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) count += 1;
  }
  return count;
}

/**
 * Cheap tests that let a detector be skipped for text that cannot hold its kind: an '@' for an
 * address, and the fewest digits any match of the kind has (an IBAN's two check digits, a
 * card's 13, a UK NINO's 6, the shortest phone format's 8).
 */
const DETECTORS: ReadonlyArray<{ kind: PiiKind; detect: (input: TextInput) => Candidate[]; minDigits: number; worth?: (text: string) => boolean }> = [
  { kind: 'secret', detect: detectSecrets, minDigits: 0 },
  { kind: 'email', detect: detectEmails, minDigits: 0, worth: (text) => text.includes('@') },
  { kind: 'iban', detect: detectIbans, minDigits: 2 },
  { kind: 'payment_card', detect: detectPaymentCards, minDigits: 13 },
  { kind: 'national_id', detect: detectNationalIds, minDigits: 6 },
  { kind: 'phone', detect: detectPhones, minDigits: 8 },
];

/** Leftmost-longest among one kind's matches (stable: on a tie the detector listed first wins). */
function leftmostLongest(candidates: Candidate[]): Candidate[] {
  const sorted = candidates
    .filter((candidate) => candidate.end > candidate.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Candidate[] = [];
  let reached = -1;
  for (const candidate of sorted) {
    if (candidate.start < reached) continue;
    kept.push(candidate);
    reached = candidate.end;
  }
  return kept;
}

/** `accepted` and `added` are sorted and each free of overlaps; keeps what of `added` fits. */
function mergeFree(accepted: readonly Candidate[], added: readonly Candidate[]): Candidate[] {
  const merged: Candidate[] = [];
  let index = 0;
  for (const candidate of added) {
    while (index < accepted.length && accepted[index]!.end <= candidate.start) merged.push(accepted[index++]!);
    const next = accepted[index];
    if (next === undefined || next.start >= candidate.end) merged.push(candidate);
  }
  while (index < accepted.length) merged.push(accepted[index++]!);
  return merged;
}

/** Matches in `text` of the given kinds, sorted by start, never overlapping. */
export function scanText(text: string, context: TextContext, kinds: ReadonlySet<PiiKind>): Candidate[] {
  const input = new TextInput(text, context);
  const last = lastDetectorFor(kinds);
  const digits = digitCount(text);
  let accepted: Candidate[] = NONE;
  for (let index = 0; index <= last; index += 1) {
    const detector = DETECTORS[index]!;
    if (digits < detector.minDigits || (detector.worth !== undefined && !detector.worth(text))) continue;
    const found = detector.detect(input);
    if (found.length > 0) accepted = mergeFree(accepted, leftmostLongest(found));
  }
  if (accepted.length === 0) return NONE;
  return kinds.size === DETECTORS.length ? accepted : accepted.filter((candidate) => kinds.has(candidate.kind));
}

/** The shared empty answer (never written to: callers only read candidates). */
const NONE: Candidate[] = [];

/** The last detector to run for `kinds` (those before it still run: see the header). Cached per kinds set. */
const lastDetectors = new WeakMap<ReadonlySet<PiiKind>, number>();
function lastDetectorFor(kinds: ReadonlySet<PiiKind>): number {
  let last = lastDetectors.get(kinds);
  if (last === undefined) {
    last = -1;
    DETECTORS.forEach((detector, index) => {
      if (kinds.has(detector.kind)) last = index;
    });
    lastDetectors.set(kinds, last);
  }
  return last;
}
