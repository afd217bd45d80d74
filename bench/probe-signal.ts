/**
 * How a bench's probe driver tells the bench that something finished, whichever thread runs the
 * driver: the embedded host runs drivers in its processor threads, where a module-level
 * EventEmitter would be another object than the bench's (the bench then waits forever). A
 * BroadcastChannel reaches every thread of the process, this one included. The channels are
 * unref'd: they never keep a thread alive, and are opened only by the side that uses them.
 */
import { EventEmitter } from 'node:events';
import { BroadcastChannel } from 'node:worker_threads';

type Listener = Parameters<EventEmitter['on']>[1];

export interface ProbeSignal {
  /** From the driver: every thread's `on(kind)` listeners hear `args` (structured-cloned). */
  emit(kind: string, ...args: unknown[]): void;
  on(kind: string, listener: Listener): void;
  off(kind: string, listener: Listener): void;
}

export function probeSignal(name: string): ProbeSignal {
  let sender: BroadcastChannel | undefined;
  let local: EventEmitter | undefined;
  const listeners = (): EventEmitter => {
    if (local === undefined) {
      const emitter = new EventEmitter();
      const receiver = new BroadcastChannel(name);
      receiver.unref();
      receiver.onmessage = (message) => {
        const [kind, ...args] = (message as { data: [string, ...unknown[]] }).data;
        emitter.emit(kind, ...args);
      };
      local = emitter;
    }
    return local;
  };
  return {
    emit(kind, ...args) {
      if (sender === undefined) {
        sender = new BroadcastChannel(name);
        sender.unref();
      }
      sender.postMessage([kind, ...args]);
    },
    on: (kind, listener) => void listeners().on(kind, listener),
    off: (kind, listener) => void listeners().off(kind, listener),
  };
}
