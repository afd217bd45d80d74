/**
 * A built-in demonstration driver: answers `demo.ping` with `demo.pong`, echoing the ping's
 * data and saying when it was handled. It exists so the quick start shows a whole round trip
 * (ingest -> queue -> processor -> driver -> follow-up event) with nothing configured.
 */
import { defineDriver } from '../define-driver.js';

export function createPingDriver() {
  return defineDriver({
    manifest: {
      id: 'ping',
      name: 'Ping',
      version: '1.0.0',
      type: 'tool',
      author: 'Vextir OS',
      description: 'Answers demo.ping with demo.pong',
      capabilities: ['demo.ping'],
      external: false, // answers from inside the system
      resources: { timeout: '5s', maxConcurrency: 64 },
    },
    async handle(event, context) {
      return [{ type: 'demo.pong', data: { ping: event.id, echo: event.data ?? null, handledAt: context.clock.now().toISOString() } }];
    },
  });
}
