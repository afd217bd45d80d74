/**
 * The graph of an instruction's steps as the compiler checks it: which steps a step can read
 * (its dependencies, theirs, and the steps a failure handler handles) and whether
 * `depends_on` closes a cycle. Both iterative: a 10,000-step chain must not overflow the stack.
 */
import type { Step } from './instruction.js';

/** Which steps a step can read: its dependencies, theirs, and so on (and, for a failure handler, the steps it handles). */
export class Upstream {
  readonly #memo = new Map<string, Set<string>>();
  readonly #handled = new Map<string, string[]>();

  constructor(
    private readonly steps: readonly Step[],
    private readonly positions: ReadonlyMap<string, number>,
  ) {
    for (const step of steps) {
      if (step.on_failure === 'fail' || step.on_failure === 'continue') continue;
      this.#handled.set(step.on_failure, [...(this.#handled.get(step.on_failure) ?? []), step.id]);
    }
  }

  reaches(from: string, target: string): boolean {
    return this.#ancestors(from).has(target);
  }

  #ancestors(id: string): Set<string> {
    const cached = this.#memo.get(id);
    if (cached) return cached;
    const found = new Set<string>();
    const stack = [...this.#direct(id)];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (found.has(next)) continue;
      found.add(next);
      const known = this.#memo.get(next);
      if (known) for (const each of known) found.add(each);
      else stack.push(...this.#direct(next));
    }
    // Memoizing every step of a 10,000-step chain would hold 50 million entries: keep small sets only.
    if (found.size <= 256) this.#memo.set(id, found);
    return found;
  }

  #direct(id: string): string[] {
    const step = this.steps[this.positions.get(id)!]!;
    return [...step.depends_on, ...(this.#handled.get(id) ?? [])];
  }
}

/** The first cycle through `depends_on`, as step ids from where it closes, or undefined. */
export function findCycle(steps: readonly Step[], positions: ReadonlyMap<string, number>): string[] | undefined {
  const state = new Uint8Array(steps.length); // 0 new, 1 on the path, 2 done
  for (let start = 0; start < steps.length; start += 1) {
    if (state[start] !== 0) continue;
    // Iterative DFS: a 10,000-step chain must not overflow the stack.
    const path: number[] = [];
    const next: number[] = [];
    const visit = (index: number) => {
      state[index] = 1;
      path.push(index);
      next.push(0);
    };
    visit(start);
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const dependencies = steps[top]!.depends_on;
      const position = next[next.length - 1]!;
      if (position >= dependencies.length) {
        state[top] = 2;
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = position + 1;
      const dependency = positions.get(dependencies[position]!)!;
      if (state[dependency] === 1) {
        const cycle = path.slice(path.indexOf(dependency)).map((index) => steps[index]!.id);
        return [...cycle, steps[dependency]!.id].reverse();
      }
      if (state[dependency] === 0) visit(dependency);
    }
  }
  return undefined;
}
