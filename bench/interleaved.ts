/**
 * CPU per event of several variants of the same work, measured round by round in one process:
 * every pass runs one round of each variant, starting with a different one each pass, so that
 * load from elsewhere, the heap left by the round before and the order itself weigh on every
 * variant alike. On a shared machine whose speed moves by a third between minutes, only figures
 * taken this way can be compared at the level of a few microseconds.
 */

export interface Variant<Input> {
  /** The round's input, built before its CPU is counted (copying traffic is not the work measured). */
  input: () => Input;
  /** Runs one round and says how many events it processed. */
  round: (input: Input) => Promise<{ events: number }>;
}

/** CPU microseconds per event of each variant (process CPU: collector threads included), in the order given. */
export async function interleavedCpuPerEvent<Input>(variants: ReadonlyArray<Variant<Input>>, passes: number): Promise<number[]> {
  const cpu = variants.map(() => 0);
  const events = variants.map(() => 0);
  for (const variant of variants) await variant.round(variant.input()); // warm-up
  for (let pass = 0; pass < passes; pass += 1) {
    for (let step = 0; step < variants.length; step += 1) {
      const index = (pass + step) % variants.length;
      const variant = variants[index]!;
      const input = variant.input();
      const before = process.cpuUsage();
      const result = await variant.round(input);
      const used = process.cpuUsage(before);
      cpu[index]! += used.user + used.system;
      events[index]! += result.events;
    }
  }
  return cpu.map((micros, index) => micros / events[index]!);
}
