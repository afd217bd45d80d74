import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { isKernelError } from '../../src/kernel/index.js';
import { DEFAULT_PATH_LIMITS, isWithin, normalizeContextPath, parentPaths } from '../../src/security/acl/index.js';

const RUNS = 500;

function rejects(raw: string, reason: RegExp): void {
  assert.throws(() => normalizeContextPath(raw), (error: unknown) => isKernelError(error, 'invalid_input') && reason.test(error.message), `expected ${JSON.stringify(raw)} to be rejected with ${reason}`);
}

// Known-valid building blocks: letters (some precomposed non-ASCII), digits, and the safe punctuation.
const EDGE = ['A', 'b', 'Z', '0', '9', 'é', 'ß', 'Ω', '日', 'ж', 'ı'];
const INNER = [...EDGE, ' ', '-', '_', '.', '~', '@', '+', ',', '(', ')', "'", '!', '&', '=', ':', ';'];
const validSegment = fc
  .tuple(fc.constantFrom(...EDGE), fc.array(fc.constantFrom(...INNER), { maxLength: 10 }), fc.constantFrom(...EDGE))
  .map(([first, middle, last]) => `${first}${middle.join('')}${last}`);
const validPath = fc.array(validSegment, { maxLength: 6 }).map((segments) => `/${segments.join('/')}`);

// Strings made of the characters that matter to path handling, so that many of them get far into the checks.
const TRICKY = ['/', '/', '.', '.', '%', '2', 'e', 'E', 'f', 'F', '5', 'a', 'A', ' ', '\\', '\u0000', '\u007f', '\u0085', '\u202e', '\u200b', '\ufeff', '\uff0e', '\uff0f', '\u2024', '\ud800', '\udc00', '\u0301', '\u00a0', '\u2028', 'ﬁ', '日', '*', '?', '#'];
const GOOD = ['/', 'a', 'A', '日', '.', '-', ' ', '~'];
const trickyString = fc
  .array(fc.oneof({ arbitrary: fc.constantFrom(...GOOD), weight: 12 }, { arbitrary: fc.constantFrom(...TRICKY), weight: 1 }), { maxLength: 24 })
  .map((chars) => `/${chars.join('')}`); // mostly absolute: relative input is the binary strings' job
const anyString = fc.oneof(trickyString, fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => `/${s}`));

/** The invariants every normalized path satisfies. */
function assertCanonical(path: string): void {
  assert.ok(path.startsWith('/'), path);
  for (const forbidden of ['//', '/./', '/../', '\\']) assert.ok(!path.includes(forbidden), `${path} contains ${forbidden}`);
  assert.ok(!/%[0-9A-Fa-f]{2}/.test(path), path);
  // eslint-disable-next-line no-control-regex -- control characters are what the normalizer must never let through
  assert.ok(!/[\u0000-\u001f\u007f-\u009f]/u.test(path), path);
  assert.ok(path === '/' || !path.endsWith('/'), path);
  assert.ok(path.split('/').every((segment) => !/^\.+$/.test(segment)), path);
  assert.equal(path.normalize('NFKC'), path);
  assert.equal(normalizeContextPath(path), path);
}

describe('normalizeContextPath', () => {
  it('keeps canonical paths, the root, case and inner spaces', () => {
    assert.equal(normalizeContextPath('/'), '/');
    assert.equal(normalizeContextPath('/Projects/Alpha/status'), '/Projects/Alpha/status');
    assert.equal(normalizeContextPath('/projects/alpha'), '/projects/alpha');
    assert.equal(normalizeContextPath('/Notes/Meeting notes (Q3)/2024-05-01'), '/Notes/Meeting notes (Q3)/2024-05-01');
    assert.equal(normalizeContextPath("/a.b/~c@d+e,f'g!h&i=j:k;l_m-n"), "/a.b/~c@d+e,f'g!h&i=j:k;l_m-n");
    assert.equal(normalizeContextPath('/Überblick/日本語/Ωμέγα'), '/Überblick/日本語/Ωμέγα');
  });

  it('removes one trailing slash', () => {
    assert.equal(normalizeContextPath('/A/B/'), '/A/B');
  });

  it('rejects relative, empty and non-string input', () => {
    rejects('', /empty/);
    rejects('A/B', /relative.*must start with "\/"/);
    rejects('./A', /relative/);
    assert.throws(() => normalizeContextPath(42 as unknown as string), (error: unknown) => isKernelError(error, 'invalid_input'));
  });

  it('rejects duplicate slashes instead of collapsing them, naming the segment', () => {
    rejects('/A//B', /segment 2 is empty: duplicate slashes/);
    rejects('//A', /segment 1 is empty/);
    rejects('/A//', /segment 2 is empty/);
  });

  it('rejects traversal in every spelling', () => {
    rejects('/A/../B', /segment 2 \(".."\).*relative segment/);
    rejects('/A/./B', /segment 2 \("."\)/);
    rejects('/..', /segment 1/);
    rejects('/A/...', /only dots/);
    rejects('/A/%2e%2e/B', /percent-encoded sequence "%2e"/);
    rejects('/A/%2E%2E', /percent-encoded/);
    rejects('/A/..%2fB', /percent-encoded sequence "%2f"/);
    rejects('/A/%252e%252e', /"%25".*double encoding/);
    rejects('/A/%c0%ae%c0%ae', /percent-encoded/);
    rejects('/A/\uff0e\uff0e/B', /relative segment/);
    rejects('/A/\u2024\u2024', /relative segment/);
    rejects('/A/\u2025', /relative segment/);
    rejects('/A/..\uff0fB', /compatibility characters/);
    rejects('/A\\..\\B', /backslash/);
  });

  it('rejects control, bidi and invisible characters, and unpaired surrogates', () => {
    rejects('/A/b\u0000c', /segment 2 \("b\\u\{0000\}c"\) contains the control character U\+0000/);
    rejects('/A/b\nc', /control character U\+000A/);
    rejects('/A/b\u007f', /U\+007F/);
    rejects('/A/b\u0085', /U\+0085/);
    rejects('/A/b\u2028', /U\+2028/);
    rejects('/A/\u202etxt.exe', /bidirectional control U\+202E/);
    rejects('/A/a\u2066b', /bidirectional control U\+2066/);
    rejects('/A/a\u200eb', /bidirectional control U\+200E/);
    rejects('/A/a\u200bb', /invisible character U\+200B/);
    rejects('/A/\ufeffa', /invisible character U\+FEFF/);
    rejects('/A/a\u2060', /invisible/);
    rejects('/A/a\ud800', /unpaired UTF-16 surrogate/);
    rejects('/A/\udc00a', /unpaired/);
  });

  it('rejects text that is not NFC or not equal to its NFKC form', () => {
    rejects('/A/e\u0301', /not in Unicode normalization form NFC/);
    rejects('/A/\ufb01le', /compatibility characters.*"file"/);
    rejects('/\uff21', /compatibility/);
    rejects('/A/a\u00a0b', /compatibility/);
    rejects('/A/a\u3000b', /compatibility/);
    rejects('/A/\u2126', /NFC/);
  });

  it('rejects leading or trailing whitespace, characters outside the allowed set, and a stray %', () => {
    rejects('/A/ b', /segment 2 \(" b"\) starts or ends with whitespace/);
    rejects('/A/b ', /whitespace/);
    rejects('/A/a\tb', /control character U\+0009/);
    for (const char of ['*', '?', '#', '"', '<', '>', '|', '$', '`', '^', '{', '}', '[', ']', '%']) {
      rejects(`/A/a${char}b`, /allowed are letters, digits, inner spaces/);
    }
    rejects('/A/\u0301x', /combining mark/);
  });

  it('enforces the length, depth and segment limits in UTF-8 bytes', () => {
    const limits = { maxLength: 20, maxDepth: 3, maxSegmentLength: 6 };
    assert.equal(normalizeContextPath('/abc/def/ghi', limits), '/abc/def/ghi');
    assert.throws(() => normalizeContextPath('/a/b/c/d', limits), /4 segments; at most 3/);
    assert.throws(() => normalizeContextPath('/abcdefg', limits), /segment 1 \("abcdefg"\) is 7 bytes; at most 6/);
    assert.throws(() => normalizeContextPath('/日日日', limits), /9 bytes/);
    assert.equal(normalizeContextPath('/abcde/abcde/abcde/', limits), '/abcde/abcde/abcde');
    assert.throws(() => normalizeContextPath('/abcdef/abcdef/abcdef', limits), /at most 20 are allowed/);
    assert.throws(() => normalizeContextPath(`/${'a'.repeat(10_000_000)}`), /longer than 1024 bytes/);
    assert.equal(normalizeContextPath(`/${'a/'.repeat(DEFAULT_PATH_LIMITS.maxDepth - 1)}a`).split('/').length - 1, 32);
  });

  it('is idempotent and canonical for valid paths, with or without a trailing slash', () => {
    fc.assert(
      fc.property(validPath, fc.boolean(), (path, trailing) => {
        const normalized = normalizeContextPath(trailing && path !== '/' ? `${path}/` : path);
        assert.equal(normalized, path);
        assertCanonical(normalized);
      }),
      { numRuns: RUNS },
    );
  });

  it('for any string, returns a canonical path or throws invalid_input, nothing else', () => {
    fc.assert(
      fc.property(anyString, (raw) => {
        let normalized: string;
        try {
          normalized = normalizeContextPath(raw);
        } catch (error) {
          assert.ok(isKernelError(error, 'invalid_input'), `unexpected error for ${JSON.stringify(raw)}: ${String(error)}`);
          return;
        }
        assertCanonical(normalized);
        assert.ok(normalized === raw || `${normalized}/` === raw, 'only a trailing slash may be removed');
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('on printable ASCII, accepts exactly the segments the allow-list describes (the fast path for plain segments agrees with the full checks)', () => {
    const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 12 });
    const allowed = (segment: string): boolean => /^[A-Za-z0-9 _.~@+,()'!&=:;-]+$/.test(segment) && !/^\s|\s$/.test(segment) && !/^\.+$/.test(segment) && !/%[0-9A-Fa-f]{2}/.test(segment);
    fc.assert(
      fc.property(ascii, (segment) => {
        if (segment.includes('/')) return;
        let accepted: boolean;
        try {
          accepted = normalizeContextPath(`/${segment}`) === `/${segment}`;
        } catch (error) {
          assert.ok(isKernelError(error, 'invalid_input'));
          accepted = false;
        }
        assert.equal(accepted, allowed(segment), JSON.stringify(segment));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers a path given again as it did the first time, and refuses an invalid one every time', () => {
    for (let round = 0; round < 3; round += 1) {
      assert.equal(normalizeContextPath('/Projects/Alpha/notes.md/'), '/Projects/Alpha/notes.md');
      rejects('/Projects/../Personal', /relative segment/);
      rejects('/A/%2e%2e', /percent-encoded/);
    }
  });

  it('rejects any path with a ".." segment, plain, percent-encoded, double-encoded or fullwidth', () => {
    const dotdot = fc.constantFrom('..', '.', '%2e%2e', '%2E%2e', '.%2e', '%2e.', '%252e%252e', '%25252e%25252e', '\uff0e\uff0e', '\uff0e.', '.\uff0e', '\u2024\u2024', '\ufe52\ufe52', '%c0%ae%c0%ae', '..%2f', '..%5c', '..\\', '..\uff0f', '%u002e%u002e');
    fc.assert(
      fc.property(fc.array(validSegment, { maxLength: 4 }), dotdot, fc.array(validSegment, { maxLength: 4 }), fc.boolean(), (before, traversal, after, trailing) => {
        const raw = `/${[...before, traversal, ...after].join('/')}${trailing ? '/' : ''}`;
        assert.throws(() => normalizeContextPath(raw), (error: unknown) => isKernelError(error, 'invalid_input'), raw);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parentPaths and isWithin', () => {
  it('lists ancestors root first', () => {
    assert.deepEqual(parentPaths('/A/B/c'), ['/', '/A', '/A/B']);
    assert.deepEqual(parentPaths('/A'), ['/']);
    assert.deepEqual(parentPaths('/'), []);
  });

  it('compares whole segments', () => {
    assert.ok(isWithin('/A/B', '/A'));
    assert.ok(isWithin('/A', '/A'));
    assert.ok(isWithin('/A', '/'));
    assert.ok(isWithin('/', '/'));
    assert.ok(!isWithin('/AB', '/A'));
    assert.ok(!isWithin('/A', '/A/B'));
    assert.ok(!isWithin('/A B/c', '/A'));
    assert.ok(!isWithin('/', '/A'));
  });

  it('holds for every ancestor and the path itself, and never for a sibling sharing a name prefix', () => {
    fc.assert(
      fc.property(validPath, validSegment, (path, suffix) => {
        const ancestors = parentPaths(path);
        assert.equal(ancestors.length, path === '/' ? 0 : path.split('/').length - 1);
        assert.ok(isWithin(path, path));
        for (const ancestor of ancestors) {
          assert.equal(normalizeContextPath(ancestor), ancestor);
          assert.ok(isWithin(path, ancestor), `${path} within ${ancestor}`);
          if (ancestor !== '/') assert.ok(!isWithin(path, `${ancestor}${suffix}`), `${path} not within ${ancestor}${suffix}`);
        }
        if (path !== '/') {
          assert.ok(!isWithin(path, `${path}${suffix}`));
          assert.ok(!isWithin(`${path}${suffix}`, path));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
