// @ts-check
// The child's `fetch`: a request the host performs after checking the URL's host against the
// pack's grant (docs/pack-sandbox.md, messages `fetch`, `fetch.result`, `fetch.cancel`).

/** @typedef {{ send(message: Record<string, unknown>): void }} Channel */

/**
 * Replaces the global fetch; returns the handler of the host's `fetch.result` messages.
 * @param {Channel} channel
 * @param {() => number | undefined} currentCall the call the request belongs to, if any
 */
export function installFetch(channel, currentCall) {
  /** @type {Map<number, { resolve(response: Response): void, reject(error: unknown): void, done(): void }>} */
  const pending = new Map();
  let nextId = 1;

  /** @param {string | URL | Request} input @param {RequestInit} [init] */
  globalThis.fetch = async function fetch(input, init) {
    const request = new Request(input, init);
    const signal = request.signal;
    signal.throwIfAborted();
    const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer()).toString('base64');
    const id = nextId++;
    const call = currentCall();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        pending.delete(id);
        channel.send({ t: 'fetch.cancel', id });
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pending.set(id, { resolve, reject, done: () => signal.removeEventListener('abort', onAbort) });
      channel.send({
        t: 'fetch',
        id,
        ...(call === undefined ? {} : { call }),
        url: request.url,
        method: request.method,
        headers: [...request.headers],
        ...(body === undefined ? {} : { body }),
      });
    });
  };

  /** @param {Record<string, any>} message */
  return function onFetchResult(message) {
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    waiting.done();
    if (!message.ok) {
      waiting.reject(new TypeError(`fetch failed: ${message.message}`, { cause: { code: message.code } }));
      return;
    }
    const empty = [204, 205, 304].includes(message.status);
    const response = new Response(empty ? null : Buffer.from(message.body, 'base64'), {
      status: message.status,
      statusText: message.statusText,
      headers: message.headers,
    });
    // What a fetch Response says about where it came from.
    Object.defineProperty(response, 'url', { value: message.url });
    Object.defineProperty(response, 'redirected', { value: message.redirected });
    waiting.resolve(response);
  };
}
