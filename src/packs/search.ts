/**
 * `packs search`: the registry's search endpoint (`GET <registry>/-/v1/search`), limited to
 * packages with the keyword `vextir-pack`, as the npm CLI's `npm search` asks it.
 */
import { z } from 'zod';
import { KernelError } from '../kernel/index.js';

const resultSchema = z.object({
  objects: z.array(z.object({ package: z.object({ name: z.string(), version: z.string(), description: z.string().optional(), keywords: z.array(z.string()).optional(), date: z.string().optional() }) })),
  total: z.number().optional(),
});

export interface PackSearchHit {
  name: string;
  version: string;
  description: string;
}

export const PACK_KEYWORD = 'vextir-pack';
const TIMEOUT_MS = 10_000;

export async function searchPacks(registry: string, text: string, limit = 20): Promise<PackSearchHit[]> {
  const url = new URL('-/v1/search', registry.endsWith('/') ? registry : `${registry}/`);
  url.searchParams.set('text', `keywords:${PACK_KEYWORD} ${text}`.trim());
  url.searchParams.set('size', String(limit));
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  } catch (error) {
    throw new KernelError('unavailable', `the pack registry ${url.origin} could not be reached: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new KernelError('unavailable', `the pack registry answered ${response.status} to a search`);
  const parsed = resultSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new KernelError('unavailable', 'the pack registry answered a search with something that is not a search result');
  return parsed.data.objects.map(({ package: pkg }) => ({ name: pkg.name, version: pkg.version, description: pkg.description ?? '' }));
}
