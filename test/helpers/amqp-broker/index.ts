/**
 * A small in-process AMQP 1.0 broker on `rhea` that the real `@azure/service-bus` SDK accepts,
 * for tests and the bench (test code only; never shipped). Connect with `connectionString`
 * (it ends in `UseDevelopmentEmulator=true`, so the SDK uses plain TCP, as with Microsoft's emulator).
 *
 * Emulated: $cbs put-token (any token is accepted), queues created on demand, single and batched
 * sends (format 0x80013700), the 256 KiB message size limit, duplicate detection on message_id
 * within a window, peek-lock receive with credit and drain, complete / abandon (with properties to
 * modify) / dead-letter (reason and description, `<queue>/$DeadLetterQueue`), lock duration and
 * expiry, max delivery count, and the $management operations in management.ts.
 *
 * Not emulated: authorization (tokens are not checked), topics and subscriptions, sessions,
 * deferral, transactions, cancel-scheduled-message, time-to-live and expiry, auto-forwarding,
 * partitioning, receiveAndDelete mode, the administration (ATOM/HTTP) API, throttling
 * (ServiceBusy), message-count quotas and TLS. Link detach does not release locks (Service Bus
 * keeps them until they expire, and so does this broker).
 */
import type { Socket } from 'node:net';
import rhea, { type Delivery, type EventContext, type Message, type Sender, type Source, type TerminusOptions } from 'rhea';
import { BrokerQueue, type QueueSettings, type Settlement } from './broker-queue.js';
import { decodeTransfer, outcomes, outgoing, replyTo, tagOfToken, toDeadLetter, tokenOfTag, type BrokerDeadLetter } from './codec.js';

export type { BrokerDeadLetter } from './codec.js';
import { handleManagement } from './management.js';

export interface AmqpBrokerOptions extends Partial<QueueSettings> {
  /** Largest transfer accepted, advertised on sender links (Service Bus Standard: 256 KiB). */
  maxMessageSize?: number;
  /** The broker's clock; tests may pass a fake one (see setClock). */
  now?: () => number;
}

export interface AmqpBroker {
  readonly connectionString: string;
  readonly port: number;
  /** Messages in the queue: ready, locked or scheduled (not its dead letters). */
  queueDepth(name: string): number;
  deadLetters(name: string): BrokerDeadLetter[];
  /** Transfers received for the queue: one per single send or per batch. */
  transfers(name: string): number;
  /** Settings for a queue, before it is first used (queues are created on demand). */
  configureQueue(name: string, settings: Partial<QueueSettings>): void;
  setClock(now: () => number): void;
  close(): Promise<void>;
}

const DEFAULTS: QueueSettings = { lockDurationMs: 60_000, maxDeliveryCount: 10, duplicateDetection: true, duplicateWindowMs: 10 * 60_000 };
const POLL_MS = 10;

/** rhea's link internals this file touches; its typings do not declare them. */
interface LinkInternals {
  local: { attach: { max_message_size?: number } };
  remote: { attach?: { source?: Source; target?: TerminusOptions } };
  credit: number;
  delivery_count: number;
  _draining: boolean;
  _drained: boolean;
  _get_drain(): boolean;
}

export async function startAmqpBroker(options: AmqpBrokerOptions = {}): Promise<AmqpBroker> {
  let now = options.now ?? Date.now;
  const clock = (): number => now();
  const defaults: QueueSettings = { ...DEFAULTS, ...definedOnly(options) };
  const maxMessageSize = options.maxMessageSize ?? 256 * 1024;
  const queues = new Map<string, BrokerQueue>();
  const consumers = new Map<BrokerQueue, Set<Sender>>();
  const settings = new Map<string, Partial<QueueSettings>>();

  const queueFor = (address: string): BrokerQueue => {
    const deadLetter = address.endsWith('/$DeadLetterQueue');
    const name = deadLetter ? address.slice(0, -'/$DeadLetterQueue'.length) : address;
    let queue = queues.get(name);
    if (!queue) {
      queue = new BrokerQueue(name, { ...defaults, ...settings.get(name) }, clock);
      queues.set(name, queue);
    }
    return deadLetter ? queue.deadLetterQueue! : queue;
  };

  const pump = (queue: BrokerQueue): void => {
    queue.releaseDue();
    const senders = consumers.get(queue) ?? new Set<Sender>();
    for (const sender of senders) {
      // A connection that dropped without detaching leaves its links behind, closed.
      if (!sender.is_open()) {
        senders.delete(sender);
        continue;
      }
      // rhea takes credit off only when it writes a delivery out: count the ones still waiting to go.
      while (sender.sendable() && (sender as unknown as LinkInternals).credit > unsent(sender)) {
        const stored = queue.lockNext();
        if (!stored?.lock) return;
        sender.send(outgoing(stored, stored.lock.until, clock()), tagOfToken(stored.lock.token));
      }
    }
  };

  const container = rhea.create_container({ id: 'vextir-test-broker', autoaccept: false, treat_modified_as_released: false });
  container.sasl_server_mechanisms.enable_anonymous();

  container.on('sender_open', (context: EventContext) => {
    const sender = context.sender!;
    const link = sender as unknown as LinkInternals;
    echoTermini(sender, link);
    const address = link.remote.attach?.source?.address ?? '';
    // Reply links of $cbs and $management are found by name when a reply is due.
    if (address === '$cbs' || address.endsWith('/$management')) return;
    const queue = queueFor(address);
    if (!consumers.has(queue)) consumers.set(queue, new Set());
    consumers.get(queue)!.add(sender);
    // rhea echoes a drain only while credit is left; the SDK waits for the echo in every case.
    link._get_drain = function (this: LinkInternals): boolean {
      if (!this._draining || !this._drained) return false;
      this.delivery_count += this.credit;
      this.credit = 0;
      this._draining = false;
      return true;
    };
    sender.on('sendable', () => pump(queue));
    sender.on('sender_draining', () => {
      pump(queue);
      sender.set_drained(true);
    });
    sender.on('sender_close', () => consumers.get(queue)?.delete(sender));
    for (const outcome of ['accepted', 'rejected', 'released', 'modified']) {
      sender.on(outcome, (ctx: EventContext) => settleDelivery(queue, ctx.delivery!, outcome));
    }
  });

  container.on('receiver_open', (context: EventContext) => {
    const receiver = context.receiver!;
    const link = receiver as unknown as LinkInternals;
    echoTermini(receiver, link);
    link.local.attach.max_message_size = maxMessageSize;
  });

  container.on('message', (context: EventContext) => {
    const delivery = context.delivery!;
    const address = (context.receiver as unknown as LinkInternals).remote.attach?.target?.address ?? '';
    const request = context.message as Message | Buffer;
    if (address === '$cbs' || address.endsWith('/$management')) {
      const message = request as Message;
      const reply = address === '$cbs'
        ? { status: 202 }
        : handleManagement(queueFor(address.slice(0, -'/$management'.length)), message, clock());
      const replyLink = context.connection.find_sender((s: Sender) => s.name === message.reply_to);
      replyLink?.send(replyTo(message, reply, address === '$cbs' ? 'cbs' : 'management'));
      delivery.accept();
      if (address !== '$cbs') pump(queueFor(address.slice(0, -'/$management'.length)));
      return;
    }
    const queue = queueFor(address);
    const size = Buffer.isBuffer(request) ? request.length : rhea.message.encode(request).length;
    if (size > maxMessageSize) {
      delivery.reject({ condition: 'amqp:link:message-size-exceeded', description: `the message is ${size} bytes; the limit is ${maxMessageSize}` });
      return;
    }
    queue.transfers += 1;
    for (const message of decodeTransfer(request, delivery.format)) queue.enqueue(message);
    delivery.accept();
    pump(queue);
  });

  const settleDelivery = (queue: BrokerQueue, delivery: Delivery, outcome: string): void => {
    const state = (delivery.remote_state ?? {}) as { error?: { info?: Record<string, unknown> }; message_annotations?: Record<string, unknown>; undeliverable_here?: boolean };
    let settlement: Settlement;
    if (outcome === 'accepted') settlement = { kind: 'complete' };
    else if (outcome === 'rejected') {
      const { DeadLetterReason, DeadLetterErrorDescription, ...properties } = state.error?.info ?? {};
      settlement = { kind: 'deadLetter', reason: String(DeadLetterReason ?? ''), description: String(DeadLetterErrorDescription ?? ''), properties };
    } else if (state.undeliverable_here) {
      delivery.update(true, outcomes.rejected({ error: { condition: 'amqp:not-implemented', description: 'deferral is not emulated' } }).described());
      (delivery as unknown as { remote_settled: boolean }).remote_settled = true;
      return;
    } else settlement = state.message_annotations ? { kind: 'abandon', properties: state.message_annotations } : { kind: 'abandon' };
    const ok = queue.settle(tokenOfTag(delivery.tag), settlement);
    // Settling as accepted is what the SDK expects; a rejected outcome carries Service Bus's lock-lost error.
    const reply = ok
      ? outcomes.accepted()
      : outcomes.rejected({ error: { condition: 'com.microsoft:message-lock-lost', description: 'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.' } });
    delivery.update(true, reply.described());
    // The receiver settles second (peek-lock) and tells nobody; without this the session's
    // 2048-slot delivery buffer would fill with these and stop all sending.
    (delivery as unknown as { remote_settled: boolean }).remote_settled = true;
    if (ok) pump(queue);
  };

  const sockets = new Set<Socket>();
  const server = container.listen({ port: 0, host: '127.0.0.1' });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const ticker = setInterval(() => {
    for (const queue of consumers.keys()) if (queue.hasTimedWork) pump(queue);
  }, POLL_MS);
  ticker.unref();

  return {
    connectionString: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=k;SharedAccessKey=dGVzdA==;UseDevelopmentEmulator=true`,
    port,
    queueDepth: (name) => queueFor(name).depth,
    deadLetters: (name) => queueFor(`${name}/$DeadLetterQueue`).all().map(toDeadLetter),
    transfers: (name) => queueFor(name).transfers,
    configureQueue: (name, queueSettings) => void settings.set(name, queueSettings),
    setClock: (fn) => void (now = fn),
    close: async () => {
      clearInterval(ticker);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/**
 * Deliveries handed to the link's session but not yet transferred. Without this, a pump locks and
 * queues more messages than the receiver gave credit for, and they stay locked on a link that never
 * sends them (the SDK opens one session per link, so the session's count is the link's).
 */
function unsent(sender: Sender): number {
  const outgoing = (sender.session as unknown as { outgoing: { next_delivery_id: number; next_pending_delivery: number } }).outgoing;
  return outgoing.next_delivery_id - outgoing.next_pending_delivery;
}

/** Attach back with the peer's source and target, as a broker that accepts the link does. */
function echoTermini(endpoint: { set_source(s: Source): void; set_target(t: TerminusOptions): void }, link: LinkInternals): void {
  const attach = link.remote.attach;
  if (attach?.source) endpoint.set_source(attach.source);
  if (attach?.target) endpoint.set_target(attach.target);
}

function definedOnly(options: AmqpBrokerOptions): Partial<QueueSettings> {
  const out: Partial<QueueSettings> = {};
  if (options.lockDurationMs !== undefined) out.lockDurationMs = options.lockDurationMs;
  if (options.maxDeliveryCount !== undefined) out.maxDeliveryCount = options.maxDeliveryCount;
  if (options.duplicateDetection !== undefined) out.duplicateDetection = options.duplicateDetection;
  if (options.duplicateWindowMs !== undefined) out.duplicateWindowMs = options.duplicateWindowMs;
  return out;
}
