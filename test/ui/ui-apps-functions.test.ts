/** The Function App serves the /apps pages through the same handler as /api (built by hand, as the host passes them). */
import functions from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { createHttpHandler } from '../../src/functions/http-adapter.js';
import { APP_CSP } from '../../src/ui/index.js';
import { apiFixture } from '../api/helpers.js';

// A CommonJS package: Node's ESM loader exposes these classes only on the default export.
const { HttpRequest, InvocationContext } = functions;

describe('the /apps pages on Azure Functions', () => {
  it('serve the shell with its CSP and the client script', async () => {
    const handler = createHttpHandler(async () => apiFixture().api);
    const get = (path: string) => handler(new HttpRequest({ method: 'GET', url: `https://func.example${path}` }), new InvocationContext({ functionName: 'apps' }));
    const page = await get('/apps/dashboard/tasks');
    expect(page.status).toBe(200);
    expect((page.headers as Record<string, string>)['content-security-policy']).toBe(APP_CSP);
    expect(page.body as string).toContain('<script type="module" src="/apps/_assets/app.js"></script>');
    const script = await get('/apps/_assets/app.js');
    expect((script.headers as Record<string, string>)['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body as string).toContain("fetch('/api/stream'");
  });
});
