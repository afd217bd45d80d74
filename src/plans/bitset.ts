/**
 * Sets of small integers as base64 text, for plan state that must be idempotent to update:
 * "dependency 3 arrived" or "node 42 is done" set twice is set once, so a redelivered answer
 * never counts twice. 10,000 nodes take 1,668 characters.
 */
export function emptyBits(size: number): string {
  return Buffer.alloc(Math.ceil(size / 8)).toString('base64');
}

export function hasBit(bits: string, index: number): boolean {
  const bytes = Buffer.from(bits, 'base64');
  return ((bytes[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
}

/** Returns the set with `set` added and `clear` removed. */
export function updateBits(bits: string, set: readonly number[], clear: readonly number[] = []): string {
  const bytes = Buffer.from(bits, 'base64');
  for (const index of set) bytes[index >> 3] = (bytes[index >> 3] ?? 0) | (1 << (index & 7));
  for (const index of clear) bytes[index >> 3] = (bytes[index >> 3] ?? 0) & ~(1 << (index & 7));
  return bytes.toString('base64');
}

export function countBits(bits: string): number {
  let count = 0;
  for (const byte of Buffer.from(bits, 'base64')) {
    let value = byte;
    while (value !== 0) {
      value &= value - 1;
      count += 1;
    }
  }
  return count;
}

export function listBits(bits: string): number[] {
  const found: number[] = [];
  Buffer.from(bits, 'base64').forEach((byte, position) => {
    for (let bit = 0; bit < 8; bit += 1) if ((byte & (1 << bit)) !== 0) found.push(position * 8 + bit);
  });
  return found;
}
