/**
 * GET /api/models: the model registry of this deployment — every model with its provider,
 * prices, capabilities, context window, and whether it can be called (its provider is
 * configured). Never a key: listings carry setting names at most.
 */
import { json } from '../responses.js';
import type { ApiResponse } from '../types.js';
import type { AuthenticatedContext } from './context.js';

export async function getModels({ services }: AuthenticatedContext): Promise<ApiResponse> {
  return json(200, { models: services.models() });
}
