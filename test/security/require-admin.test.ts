import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { requireAdmin } from '../../src/api/auth.js';
import { KernelError } from '../../src/kernel/index.js';
import { DevTokenAuthenticator, signDevToken } from '../../src/security/index.js';

describe('requireAdmin', () => {
  it('lets an admin through and refuses anyone else with forbidden, naming the role', async () => {
    const secret = new TextEncoder().encode('s'.repeat(32));
    const dev = new DevTokenAuthenticator(secret, { adminRole: 'Ops.Admin' });
    requireAdmin(await dev.authenticate(await signDevToken(secret, 'root', { roles: ['Ops.Admin'] })));
    const plain = await dev.authenticate(await signDevToken(secret, 'alice', { roles: ['Vextir.Admin'] }));
    assert.equal(plain.admin, false, 'only the configured role counts');
    const forbidden = (pattern: RegExp) => (error: unknown) => error instanceof KernelError && error.code === 'forbidden' && pattern.test(error.message);
    assert.throws(() => requireAdmin(plain, 'Ops.Admin'), forbidden(/needs the "Ops.Admin" app role; user "alice"/));
    assert.throws(() => requireAdmin(plain), forbidden(/VEXTIR_ADMIN_ROLE/));
  });
});
