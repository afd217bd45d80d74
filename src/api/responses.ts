/** Response builders shared by the handlers. */
import type { ApiResponse } from './types.js';

export const JSON_CONTENT_TYPE = 'application/json';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
}
