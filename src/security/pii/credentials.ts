/**
 * What names a credential and what a real credential value looks like. Shared by the
 * `password=...` detector inside strings and by the rule that a JSON property named like a
 * credential (`{"password": "..."}`) holds one.
 */

/** A last word that names a credential whatever the value looks like. */
const STRONG_WORDS = new Set(['password', 'passwd', 'passphrase', 'passcode', 'pwd', 'secret', 'apikey', 'credential', 'credentials']);
/** Last two words that name a credential. */
const STRONG_PAIRS = new Set([
  'api key', 'access key', 'secret key', 'private key', 'account key', 'signing key', 'encryption key',
  'master key', 'auth key', 'client secret', 'connection string',
]);
/**
 * Names that often hold a credential but also plain text (an LLM stream's `token`, a boarding
 * `pass`): these need a value that looks like a credential (8+ characters, no spaces).
 */
const WEAK_WORDS = new Set(['token', 'pass', 'authorization', 'auth', 'cookie', 'sessionid']);
/** Shell variables that merely end like a credential word. */
const NOT_CREDENTIALS = new Set(['pwd', 'oldpwd']);

export type CredentialStrength = 'strong' | 'weak';

/** `dbPassword` / `DB_PASSWORD` / `x-api-key` -> ['db', 'password'] / ... */
function words(name: string): string[] {
  return name
    .slice(-128)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** Every credential name ends with one of these (a cheap filter before splitting into words). */
const ENDINGS = [...STRONG_WORDS, ...WEAK_WORDS, 'key', 'string'];

/**
 * Property names repeat from event to event (`subject`, `body`, `from`): their answer is kept.
 * Bounded, so that names chosen by callers cannot grow it without end.
 */
const KNOWN_NAMES = new Map<string, CredentialStrength | null>();
const MAX_KNOWN_NAMES = 4096;

export function credentialStrength(name: string): CredentialStrength | undefined {
  const known = KNOWN_NAMES.get(name);
  if (known !== undefined) return known ?? undefined;
  const strength = strengthOf(name);
  if (name.length <= 64) {
    if (KNOWN_NAMES.size >= MAX_KNOWN_NAMES) KNOWN_NAMES.clear();
    KNOWN_NAMES.set(name, strength ?? null);
  }
  return strength;
}

function strengthOf(name: string): CredentialStrength | undefined {
  const lower = name.toLowerCase();
  if (!ENDINGS.some((ending) => lower.endsWith(ending))) return undefined;
  const parts = words(name);
  const last = parts[parts.length - 1];
  if (last === undefined || (parts.length === 1 && NOT_CREDENTIALS.has(last))) return undefined;
  if (STRONG_WORDS.has(last) || STRONG_PAIRS.has(parts.slice(-2).join(' '))) return 'strong';
  return WEAK_WORDS.has(last) ? 'weak' : undefined;
}

const PLACEHOLDERS = new Set([
  'null', 'none', 'nil', 'undefined', 'true', 'false', 'empty', 'required', 'optional', 'string',
  'redacted', 'hidden', 'masked', 'secret', 'password', 'token', 'example', 'your_password',
]);

function wrapped(value: string, open: string, close: string): boolean {
  return value.startsWith(open) && value.endsWith(close);
}

/** Empty, too short, or a placeholder (`***`, `<password>`, `${DB_PASSWORD}`, `[REDACTED:secret]`). */
export function isTrivialValue(value: string): boolean {
  if (value.length < 4 || PLACEHOLDERS.has(value.toLowerCase())) return true;
  if (/^[*xX.#_-]+$/.test(value) || /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return true;
  // Templates; the closing brace may be missing because '}' ends an unquoted value.
  if (value.startsWith('${') || value.startsWith('{{') || wrapped(value, '<', '>') || wrapped(value, '%', '%')) return true;
  if (wrapped(value, '[REDACTED', ']')) return true;
  const first = value.charAt(0);
  for (let index = 1; index < value.length; index += 1) if (value.charAt(index) !== first) return false;
  return true; // one character repeated
}

const BEARER_LIKE = /^(?:bearer|basic|token|digest) \S+$/i;

/** Is `value` worth reporting as the credential a name of this strength holds? */
export function isCredentialValue(value: string, strength: CredentialStrength): boolean {
  if (isTrivialValue(value)) return false;
  if (strength === 'strong') return true;
  return value.length >= 8 && (/^\S+$/.test(value) || BEARER_LIKE.test(value));
}
