/** What a handler gets: the request, its path parameters, the services and (unless public) the caller. */
import type { Identity } from '../../security/index.js';
import type { ApiRequest, ApiResponse, ApiServices } from '../types.js';

export interface PublicContext {
  request: ApiRequest;
  params: Record<string, string>;
  services: ApiServices;
}

export interface AuthenticatedContext extends PublicContext {
  identity: Identity;
}

/** Routes are authenticated unless marked public; a public handler has no identity to misuse. */
export type Endpoint =
  | { public: true; handle(context: PublicContext): Promise<ApiResponse> }
  | { public?: false; handle(context: AuthenticatedContext): Promise<ApiResponse> };
