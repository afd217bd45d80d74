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
  return [...detectCredentialField(input), ...detectSecretTokens(input), ...detectAssignments(input)];
}

/** Cheap tests that let a detector be skipped for text that cannot hold its kind. */
const hasDigits = (text: string): boolean => /\d/.test(text);

const DETECTORS: ReadonlyArray<{ kind: PiiKind; detect: (input: TextInput) => Candidate[]; worth: (text: string) => boolean }> = [
  { kind: 'secret', detect: detectSecrets, worth: () => true },
  { kind: 'email', detect: detectEmails, worth: (text) => text.includes('@') },
  { kind: 'iban', detect: detectIbans, worth: hasDigits },
  { kind: 'payment_card', detect: detectPaymentCards, worth: hasDigits },
  { kind: 'national_id', detect: detectNationalIds, worth: hasDigits },
  { kind: 'phone', detect: detectPhones, worth: hasDigits },
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
  let last = -1;
  DETECTORS.forEach((detector, index) => {
    if (kinds.has(detector.kind)) last = index;
  });
  let accepted: Candidate[] = [];
  for (let index = 0; index <= last; index += 1) {
    const detector = DETECTORS[index]!;
    if (!detector.worth(text)) continue;
    accepted = mergeFree(accepted, leftmostLongest(detector.detect(input)));
  }
  return accepted.filter((candidate) => kinds.has(candidate.kind));
}
