/**
 * Credentials recognisable by their shape: provider API keys and tokens, JWTs, PEM private keys,
 * Azure connection-string keys and SAS signatures, and passwords in URLs.
 *
 * Every pattern starts with a literal or a lookbehind word boundary and ends with a greedy run
 * that nothing follows (or a bounded one), so a failed attempt costs a bounded number of steps
 * and a successful one consumes what it read: no catastrophic backtracking, linear per pattern.
 */
import type { TextInput } from './text.js';
import type { Candidate } from './types.js';

interface TokenPattern {
  detail: string;
  pattern: RegExp;
  /** Capture group holding the secret when it is not the whole match (e.g. after `AccountKey=`). */
  group?: number;
  /** A further check on the secret itself. */
  accept?: (secret: string) => boolean;
}

/** Random-looking: upper and lower case letters and a digit (keeps `sk-some-kebab-case-name` out). */
function mixed(secret: string): boolean {
  return /[A-Z]/.test(secret) && /[a-z]/.test(secret) && /\d/.test(secret);
}

/** A JWT's header must decode to a JSON object with an `alg`. */
function jwtHeader(token: string): boolean {
  const header = token.slice(0, token.indexOf('.'));
  if (header.length > 4096) return false;
  const json = Buffer.from(header, 'base64url').toString('utf8').trim();
  if (!json.startsWith('{') || !json.endsWith('}')) return false; // cheap before JSON.parse throws
  try {
    const decoded: unknown = JSON.parse(json);
    return typeof decoded === 'object' && decoded !== null && typeof (decoded as { alg?: unknown }).alg === 'string';
  } catch {
    return false; // not base64url JSON: not a JWT
  }
}

const PATTERNS: readonly TokenPattern[] = [
  { detail: 'jwt', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, accept: jwtHeader },
  {
    detail: 'aws_access_key',
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  },
  { detail: 'github_token', pattern: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{30,}/g },
  { detail: 'github_token', pattern: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,}/g },
  { detail: 'slack_token', pattern: /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/g },
  { detail: 'anthropic_api_key', pattern: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}/g, accept: mixed },
  { detail: 'openai_api_key', pattern: /(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}/g, accept: mixed },
  { detail: 'google_api_key', pattern: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g },
  { detail: 'stripe_secret_key', pattern: /(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { detail: 'azure_account_key', pattern: /(?<![A-Za-z])(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{20,}={0,2})/g, group: 1 },
  { detail: 'azure_sas_signature', pattern: /[?&;]sig=([A-Za-z0-9%+/=]{20,})/g, group: 1 },
  { detail: 'bearer_token', pattern: /(?<![A-Za-z])[Bb]earer[ \t]+([A-Za-z0-9._~+/-]{16,}=*)/g, group: 1, accept: (token) => /\d/.test(token) },
  // Bounded on both sides (RFC 3986 userinfo), so a failed attempt costs at most ~260 steps.
  { detail: 'url_password', pattern: /:\/\/[^\s/?#@:]{1,128}:([^\s/?#@]{1,128})@/g, group: 1, accept: (password) => password.length >= 3 },
];

const PEM_BEGIN = /^-----BEGIN ((?:[A-Z0-9]+ ){0,4})PRIVATE KEY( BLOCK)?-----/;
const PEM_END = /^-----END [A-Z0-9 ]{0,40}-----/;

/** PEM private key blocks, header to footer; without a footer, to the end of the text (fail closed). */
function detectPem(text: string, found: Candidate[]): void {
  let begin = text.indexOf('-----BEGIN ');
  while (begin !== -1) {
    if (!PEM_BEGIN.test(text.slice(begin, begin + 80))) {
      begin = text.indexOf('-----BEGIN ', begin + 1);
      continue;
    }
    const footer = text.indexOf('-----END ', begin + 11);
    const footerMatch = footer === -1 ? null : PEM_END.exec(text.slice(footer, footer + 60));
    const end = footerMatch === null ? text.length : footer + footerMatch[0].length;
    found.push({ kind: 'secret', start: begin, end, detail: 'private_key' });
    begin = end >= text.length ? -1 : text.indexOf('-----BEGIN ', end);
  }
}

/**
 * The patterns compiled once, with 'd' for capture offsets. Global regexes keep `lastIndex`
 * between calls; detection is synchronous and resets it, so sharing them is safe.
 */
const COMPILED = PATTERNS.map((entry) => ({ ...entry, pattern: new RegExp(entry.pattern.source, `${entry.pattern.flags}d`) }));

/**
 * Every token pattern starts with one of these literals: text containing none of them (most
 * event text) skips the patterns altogether.
 */
const ANCHORS = /eyJ|A(?:KIA|SIA|BIA|CCA|GPA|IDA|IPA|NPA|NVA|PKA|ROA|SCA|Iza)|gh[pousr]_|github_pat_|xox[abposr]-|sk-|[sr]k_(?:live|test)_|AccountKey=|SharedAccessKey=|sig=|[Bb]earer[ \t]|:\/\//;

export function detectSecretTokens(input: TextInput): Candidate[] {
  const { text } = input;
  const found: Candidate[] = [];
  detectPem(text, found);
  if (!ANCHORS.test(text)) return found;
  for (const { detail, pattern: regex, group, accept } of COMPILED) {
    regex.lastIndex = 0;
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      const [start, end] = match.indices?.[group ?? 0] ?? [match.index, match.index + match[0].length];
      if (accept !== undefined && !accept(text.slice(start, end))) continue;
      found.push({ kind: 'secret', start, end, detail });
    }
  }
  return found;
}
