/** The processor's limits: the loop guard, the delivery limit and the retry backoff. */
export interface ProcessorOptions {
  /** Events deeper than this are denied (loop guard). */
  maxDepth: number;
  /** The delivery on which a still-failing event is dead-lettered instead of retried. */
  maxDeliveryCount: number;
  /** Backoff before redelivery: base * 2^(attempt-1), capped. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_PROCESSOR_OPTIONS: ProcessorOptions = {
  // An agent's step is up to four hops (model request, response, tool call, result): 64 leaves
  // room for a 15-step run and still stops a loop between drivers within milliseconds.
  maxDepth: 64,
  maxDeliveryCount: 10,
  retryBaseMs: 1000,
  retryMaxMs: 300_000,
};
