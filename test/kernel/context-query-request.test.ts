import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isKernelError, KernelError } from '../../src/kernel/errors.js';
import { contextQuerySchema, parseContextRequest, parseOrderBy, type ContextRequestParams } from '../../src/kernel/context/index.js';
import { normalizeContextPath } from '../../src/security/acl/index.js';

const options = { normalizePrefix: (raw: string) => normalizeContextPath(raw) };
const request = (params: ContextRequestParams) => parseContextRequest(params, options);

/** Refused as invalid_input with exactly these `details.errors` fields, each reason matching. */
function rejects(params: ContextRequestParams, expected: Record<string, RegExp>): void {
  assert.throws(
    () => request(params),
    (error: unknown) => {
      assert.ok(isKernelError(error, 'invalid_input'), String(error));
      const issues = error.details?.['errors'] as Array<{ field: string; reason: string }>;
      assert.deepEqual(issues.map((issue) => issue.field), Object.keys(expected));
      for (const issue of issues) {
        assert.match(issue.reason, expected[issue.field] as RegExp);
        assert.ok(error.message.includes(`${issue.field}: ${issue.reason}`), error.message);
      }
      assert.match(error.message, /^invalid context query: /);
      return true;
    },
  );
}

describe('parseContextRequest', () => {
  it("parses the seed's HTTP request from URL query parameters", () => {
    const url = new URL('http://localhost/api/context?prefix=/Projects/&where=priority%20%3D%20%22high%22&orderBy=updatedAt%20desc&limit=20');
    const query = request(Object.fromEntries(url.searchParams));
    assert.deepEqual(query, {
      prefix: '/Projects',
      where: { op: 'eq', field: 'metadata.priority', value: 'high' },
      orderBy: [{ field: 'updatedAt', direction: 'desc' }],
      limit: 20,
      kinds: ['document'],
    });
    assert.deepEqual(contextQuerySchema.parse(query), query);
  });

  it("parses the seed's CLI example", () => {
    assert.deepEqual(request({ prefix: '/Projects/', where: 'priority = "high" and progress > 0.5' }), {
      prefix: '/Projects',
      where: { op: 'and', conditions: [{ op: 'eq', field: 'metadata.priority', value: 'high' }, { op: 'gt', field: 'metadata.progress', value: 0.5 }] },
      orderBy: [],
      limit: 100,
      kinds: ['document'],
    });
  });

  it('fills the defaults for absent, undefined and empty parameters, and a blank where means none', () => {
    const defaults = { prefix: '/', orderBy: [], limit: 100, kinds: ['document'] };
    assert.deepEqual(request({}), defaults);
    assert.deepEqual(request({ prefix: undefined, where: undefined, orderBy: undefined, limit: undefined, kinds: undefined }), defaults);
    assert.deepEqual(request({ prefix: '', where: '', orderBy: '', limit: '', kinds: '' }), defaults);
    assert.deepEqual(request({ where: ' \n\t ' }), defaults);
  });

  it('reads limit from a string or a number', () => {
    assert.equal(request({ limit: '1' }).limit, 1);
    assert.equal(request({ limit: '1000' }).limit, 1000);
    assert.equal(request({ limit: 250 }).limit, 250);
    for (const limit of ['0', '1001', '1.5', '-1', ' 20', '20 ', '1e2', 'abc', '0x10', '99999999999', 0, 1001, 2.5, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
      rejects({ limit }, { limit: /^must be a whole number from 1 to 1000$/ });
    }
  });

  it('reads kinds as a comma-separated list', () => {
    assert.deepEqual(request({ kinds: 'folder' }).kinds, ['folder']);
    assert.deepEqual(request({ kinds: 'document,folder' }).kinds, ['document', 'folder']);
    assert.deepEqual(request({ kinds: ' folder , document ' }).kinds, ['folder', 'document']);
    assert.deepEqual(request({ kinds: 'folder,folder' }).kinds, ['folder']);
    rejects({ kinds: 'doc' }, { kinds: /comma-separated list of document and folder, not "doc"/ });
    rejects({ kinds: 'document,' }, { kinds: /not ""/ });
    rejects({ kinds: 'Folder' }, { kinds: /not "Folder"/ });
  });

  it('normalizes the prefix with the given function and reports its refusal under prefix', () => {
    assert.equal(request({ prefix: '/Projects/Alpha' }).prefix, '/Projects/Alpha');
    assert.equal(request({ prefix: '/' }).prefix, '/');
    rejects({ prefix: 'Projects' }, { prefix: /relative/ });
    rejects({ prefix: '/A/../B' }, { prefix: /relative segment/ });
    const seen: string[] = [];
    parseContextRequest({ prefix: '/X/' }, { normalizePrefix: (raw) => (seen.push(raw), '/X') });
    assert.deepEqual(seen, ['/X/']);
  });

  it('lets a normalizer bug through as it is, instead of calling it invalid input', () => {
    const bug = new KernelError('internal', 'boom');
    assert.throws(() => parseContextRequest({ prefix: '/A' }, { normalizePrefix: () => { throw bug; } }), (error: unknown) => error === bug);
  });

  it('reports every bad parameter at once, each with its own reason', () => {
    rejects(
      { prefix: 'rel', where: 'priority =', orderBy: 'updatedAt up', limit: '0', kinds: 'doc' },
      {
        prefix: /relative/,
        where: /^at column 11: expected a value after "=", found end of query/,
        orderBy: /^at column 11: expected asc, desc, "," or the end after updatedAt, found "up"/,
        limit: /whole number/,
        kinds: /not "doc"/,
      },
    );
  });

  it('refuses parameters that are not strings', () => {
    const bad = { prefix: 5, where: ['a = 1'], orderBy: {}, kinds: true } as unknown as ContextRequestParams;
    rejects(bad, { prefix: /must be a string/, where: /must be a string/, orderBy: /must be a string/, kinds: /must be a string/ });
  });
});

describe('parseOrderBy', () => {
  it('reads fields with an optional direction, ascending by default', () => {
    assert.deepEqual(parseOrderBy('updatedAt desc'), [{ field: 'updatedAt', direction: 'desc' }]);
    assert.deepEqual(parseOrderBy('priority'), [{ field: 'metadata.priority', direction: 'asc' }]);
    assert.deepEqual(parseOrderBy('priority DESC,name ASC , metadata.due.date, size Desc'), [
      { field: 'metadata.priority', direction: 'desc' },
      { field: 'name', direction: 'asc' },
      { field: 'metadata.due.date', direction: 'asc' },
      { field: 'size', direction: 'desc' },
    ]);
    assert.deepEqual(parseOrderBy('asc desc'), [{ field: 'metadata.asc', direction: 'desc' }], 'asc and desc are only keywords after a field');
  });

  it('names the column and what was expected', () => {
    const refuse = (text: string, reason: RegExp): void => {
      assert.throws(() => parseOrderBy(text), (error: unknown) => {
        assert.ok(isKernelError(error, 'invalid_input'));
        const [issue] = error.details?.['errors'] as Array<{ field: string; reason: string }>;
        assert.equal(issue?.field, 'orderBy');
        assert.match(issue.reason, reason);
        return true;
      });
    };
    refuse('updatedAt desc,', /^at column 16: expected a field name after ",", found end of orderBy/);
    refuse(',name', /^at column 1: expected a field name, found ","/);
    refuse('name desc asc', /^at column 11: expected "," or the end after name, found "asc"/);
    refuse('name, name desc', /^at column 7: name is already ordered by/);
    refuse('priority, metadata.priority', /metadata\.priority is already ordered by/);
    refuse('a, b, c, d, e', /^at column 13: at most 4 fields can be ordered by/);
    refuse('-updatedAt', /^at column 1: malformed number/);
    refuse('in desc', /found keyword "in"; a metadata field with that name is written metadata\.in/);
    refuse('UpdatedAt', /did you mean updatedAt\?/);
    refuse('name; drop table x', /^at column 5: unexpected ";"/);
    assert.throws(() => parseOrderBy(`${'a,'.repeat(300)}b`), /at most 512 are allowed/);
  });
});
