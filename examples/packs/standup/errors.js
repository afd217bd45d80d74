// @ts-check
// The two kinds of failure an example driver reports. Vextir OS recognises any Error named
// `KernelError` with a known `code` and a boolean `retryable`, so a driver module needs no import
// from it (see the README, "Writing a driver").

/**
 * A failure worth retrying (the source is down, throttling, unreachable): the kernel redelivers
 * the event after its backoff, and the last delivery dead-letters it.
 * @param {string} message
 * @returns {Error}
 */
export function retryable(message) {
  return Object.assign(new Error(message), { name: 'KernelError', code: 'unavailable', retryable: true });
}

/**
 * A failure retrying cannot fix (bad input, a missing file, a receiver that refuses the request):
 * the event fails for this driver and the kernel emits an `error` event with this message.
 * @param {string} message
 * @param {'invalid_input' | 'driver_failed'} [code] invalid_input: the event's data is wrong
 * @returns {Error}
 */
export function permanent(message, code = 'driver_failed') {
  return Object.assign(new Error(message), { name: 'KernelError', code, retryable: false });
}
