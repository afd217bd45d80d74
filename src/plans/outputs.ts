/**
 * Step outputs. A small output lives in its node; a large one is stored once, in chunks of its
 * JSON text, and the node keeps a reference (`outputRef`): plan state stays small whatever a step
 * returns, and a node that reads it loads it only when it starts. A store item holds 1 MiB; a
 * chunk is well under, so outputs are bounded by what a message can carry, not by an item.
 */
import type { StateStore } from '../kernel/index.js';
import type { OutputRef, PlanNode } from './plan-state.js';

export const BLOB_KIND = 'plan-blob';
/** Outputs up to this many bytes of JSON stay inline. */
export const INLINE_OUTPUT_BYTES = 16 * 1024;
const CHUNK_CHARS = 256 * 1024;

export class OutputStore {
  constructor(private readonly state: StateStore) {}

  /** What a node should keep: the output itself, or a reference to where it was stored. */
  async keep(userId: string, key: string, output: unknown): Promise<{ output: unknown } | { outputRef: OutputRef }> {
    const text = JSON.stringify(output ?? null);
    const bytes = Buffer.byteLength(text);
    if (bytes <= INLINE_OUTPUT_BYTES) return { output: output ?? null };
    const chunks = Math.ceil(text.length / CHUNK_CHARS);
    await Promise.all(
      Array.from({ length: chunks }, (_, chunk) => this.state.put(userId, BLOB_KIND, `${key}/${chunk}`, text.slice(chunk * CHUNK_CHARS, (chunk + 1) * CHUNK_CHARS))),
    );
    return { outputRef: { key, chunks, bytes } };
  }

  /** A node's output, loaded from its chunks when it was stored by reference. */
  async outputOf(userId: string, node: Pick<PlanNode, 'output' | 'outputRef'>): Promise<unknown> {
    return node.outputRef === undefined ? (node.output ?? null) : this.read(userId, node.outputRef);
  }

  async read(userId: string, ref: OutputRef): Promise<unknown> {
    const { key, chunks } = ref;
    const items = await this.state.getMany(userId, BLOB_KIND, Array.from({ length: chunks }, (_, chunk) => `${key}/${chunk}`));
    const byKey = new Map(items.map((item) => [item.key, item.value as string]));
    const parts = Array.from({ length: chunks }, (_, chunk) => byKey.get(`${key}/${chunk}`));
    if (parts.some((part) => typeof part !== 'string')) throw new Error(`the stored output ${key} is incomplete`);
    return JSON.parse(parts.join('')) as unknown;
  }
}
