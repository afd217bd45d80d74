/**
 * `matches` runs JavaScript's backtracking RegExp (the CEL library has no RE2), where `.*x` on a
 * 100,000-character string takes seconds and `(a+)+$` takes forever. So a pattern must be a
 * literal, is checked here once, and gets a cost formula `constant * n^exponent` (n: the length
 * of the string it is matched against) that the evaluator compares with the cost limit:
 * - rejected: backreferences and lookaround, and quantified groups that contain a quantifier or
 *   an alternation (`(a+)+`, `(a|aa)*`: the exponential cases);
 * - every `*`, `+`, `{n,}` adds 1 to the exponent, and an unanchored pattern (no leading `^`)
 *   adds 1 more (the engine retries from every position);
 * - `?` doubles the constant, `{n,m}` multiplies it by m-n+1, a k-way alternation by k.
 */

export interface RegexCost {
  exponent: number;
  constant: number;
}

/** The pattern's cost, or a reason it is refused (invalid, or not provably bounded). */
export function regexCost(pattern: string): RegexCost | { error: string } {
  try {
    // Same constructor (and so the same syntax: JavaScript's, without flags) as the library's.
    new RegExp(pattern);
  } catch (error) {
    return { error: `invalid regular expression ${JSON.stringify(pattern)}: ${error instanceof Error ? error.message : String(error)}` };
  }
  return scan(pattern);
}

interface Frame {
  /** A quantifier or alternation inside this group (makes quantifying the group unsafe). */
  risky: boolean;
  branches: number;
}

const QUANTIFIER = /^(?:[*+?]|\{(\d+)(,(\d*))?\})\??/;

function scan(pattern: string): RegexCost | { error: string } {
  let exponent = 0;
  let constant = 1;
  const frames: Frame[] = [{ risky: false, branches: 1 }];
  /** What a quantifier here would repeat: a group (and whether that is unsafe), an atom, or nothing. */
  let last: 'none' | 'atom' | 'safe-group' | 'risky-group' = 'none';
  const refuse = (why: string): { error: string } => ({ error: `regular expression ${JSON.stringify(pattern)} is refused: ${why}` });
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i];
    const frame = frames[frames.length - 1] as Frame;
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')) return refuse('backreferences are not allowed');
      i += 2;
      last = 'atom';
    } else if (char === '[') {
      i = classEnd(pattern, i + 1);
      last = 'atom';
    } else if (char === '(') {
      if (/^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) return refuse('lookahead and lookbehind are not allowed');
      frames.push({ risky: false, branches: 1 });
      i += 1;
      last = 'none';
    } else if (char === ')') {
      const closed = frames.pop() as Frame;
      constant *= closed.branches;
      const parent = frames[frames.length - 1] as Frame;
      parent.risky ||= closed.risky || closed.branches > 1;
      i += 1;
      last = closed.risky || closed.branches > 1 ? 'risky-group' : 'safe-group';
    } else if (char === '|') {
      frame.branches += 1;
      i += 1;
      last = 'none';
    } else {
      const quantifier = QUANTIFIER.exec(pattern.slice(i));
      if (quantifier && last !== 'none') {
        if (last === 'risky-group') return refuse('a repeated group must not itself contain repetition or alternation (exponential backtracking)');
        const [text, min, comma, max] = quantifier;
        if (text.startsWith('*') || text.startsWith('+') || (comma !== undefined && max === '')) exponent += 1;
        else if (text.startsWith('?')) constant *= 2;
        else if (max !== undefined && max !== '') constant *= Math.max(1, Number(max) - Number(min) + 1);
        frame.risky = true;
        i += text.length;
        last = 'none';
      } else {
        i += 1;
        last = 'atom';
      }
    }
  }
  const top = frames[0] as Frame;
  constant *= top.branches;
  // `^a|b` is anchored only in its first branch.
  if (!(pattern.startsWith('^') && top.branches === 1)) exponent += 1;
  return { exponent, constant };
}

/** Index just past the `]` that closes the class opened before `start`. */
function classEnd(pattern: string, start: number): number {
  let i = start;
  while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
  return i + 1;
}
