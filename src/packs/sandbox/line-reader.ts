/**
 * Splits what the child writes on its protocol pipe into lines, bounded: a line longer than
 * `maxChars` is reported as soon as the buffer passes the bound, without being kept.
 */
export class LineReader {
  #buffer = '';
  #overflowed = false;

  constructor(
    private readonly maxChars: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: (chars: number) => void,
  ) {}

  push(chunk: string): void {
    if (this.#overflowed) return;
    let start = 0;
    let newline = chunk.indexOf('\n');
    while (newline !== -1) {
      const line = this.#buffer.length > 0 ? this.#buffer + chunk.slice(start, newline) : chunk.slice(start, newline);
      this.#buffer = '';
      if (line.length > this.maxChars) return this.#overflow(line.length);
      if (line.length > 0) this.onLine(line);
      if (this.#overflowed) return;
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) this.#buffer += chunk.slice(start);
    if (this.#buffer.length > this.maxChars) this.#overflow(this.#buffer.length);
  }

  #overflow(chars: number): void {
    this.#overflowed = true;
    this.#buffer = '';
    this.onOverflow(chars);
  }
}
