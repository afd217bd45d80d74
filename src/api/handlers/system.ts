/** Health, metrics and drivers: read-only views of the running system. */
import { KernelError } from '../../kernel/index.js';
import { problemResponse } from '../problem.js';
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext, PublicContext } from './context.js';

/** Public, for load balancers and probes: 200 when every check passes, 503 otherwise. */
export async function getHealth({ services }: PublicContext): Promise<ApiResponse> {
  try {
    const report = await services.health();
    return json(report.status === 'ok' ? 200 : 503, report, { 'cache-control': 'no-store' });
  } catch (error) {
    // A health check that cannot run is itself the answer: unhealthy, not a server fault.
    services.logger.error({ err: error }, 'the health check failed');
    return problemResponse(new KernelError('unavailable', 'the health check failed', { cause: error }));
  }
}

export async function getMetrics({ services }: AuthenticatedContext): Promise<ApiResponse> {
  const { contentType, body } = await services.metrics.render();
  return { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body };
}

export async function getDrivers({ services }: AuthenticatedContext): Promise<ApiResponse> {
  return json(200, { drivers: services.drivers() });
}
