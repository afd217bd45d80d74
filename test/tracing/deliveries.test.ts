/**
 * The Tracer over the processor in memory (an in-memory exporter, no network): every delivery of
 * an event lands in its correlation's trace; the first delivery's span id is derived from the
 * event id, a redelivery gets its own; a retry and a driver failure end their spans in error.
 */
import assert from 'node:assert/strict';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, it } from 'vitest';
import { KernelError, type Driver } from '../../src/kernel/index.js';
import { defineDriver } from '../../src/drivers/index.js';
import { createTracing, eventSpanIdOf, traceIdOf } from '../../src/tracing/index.js';
import { kernelFixture, makeEvent } from '../helpers/kernel-fixture.js';

function flaky(): Driver {
  let calls = 0;
  return defineDriver({
    manifest: { id: 'flaky', name: 'Flaky', version: '1.0.0', type: 'tool', capabilities: ['demo.flaky'] },
    async handle(_event, context) {
      calls += 1;
      context.trace?.addEvent('flaky.called', { calls });
      if (calls === 1) throw new KernelError('unavailable', 'not yet', { retryable: true });
      if (calls === 2) throw new KernelError('invalid_input', 'never', { retryable: false });
      return [];
    },
  });
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('the tracer over the processor', () => {
  it('puts every delivery in one trace; a retry and a failure end in error', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ serviceName: 'test', serviceVersion: '0.0.0', exporters: [exporter] });
    const { processor } = kernelFixture([flaky()], { tracer: tracing.tracer });
    const event = makeEvent({ id: 'root-1', correlationid: 'chain-1', causationid: 'cause-1', type: 'demo.flaky', depth: 2 });
    assert.equal((await processor.process(event, { deliveryCount: 1 })).kind, 'retry');
    const second = await processor.process(event, { deliveryCount: 2 });
    assert.equal(second.kind === 'complete' && second.record.status, 'failed');
    await tracing.flush();

    const spans = exporter.getFinishedSpans();
    const deliveries = spans.filter((span) => span.name === 'process demo.flaky');
    assert.equal(deliveries.length, 2);
    for (const span of spans) assert.equal(span.spanContext().traceId, traceIdOf('chain-1'));
    const [first, again] = deliveries as [ReadableSpan, ReadableSpan];
    assert.equal(first.spanContext().spanId, eventSpanIdOf('root-1'));
    assert.notEqual(again.spanContext().spanId, first.spanContext().spanId, 'a redelivery has a span of its own');
    assert.equal(parentOf(first), eventSpanIdOf('cause-1'), "under its cause's delivery");
    assert.equal(parentOf(again), eventSpanIdOf('cause-1'));
    assert.equal(first.status.code, 2);
    assert.equal(first.attributes['error.type'], 'unavailable');
    assert.equal(first.attributes['vextir.event.status'], 'retrying');
    assert.equal(again.attributes['vextir.event.status'], 'failed');
    assert.equal(again.attributes['vextir.delivery.attempt'], 2);

    const runs = spans.filter((span) => span.name === 'driver flaky');
    assert.deepEqual(runs.map((span) => parentOf(span)), [first.spanContext().spanId, again.spanContext().spanId]);
    assert.deepEqual(runs.map((span) => span.attributes['error.type']), ['unavailable', 'invalid_input']);
    assert.deepEqual(runs.map((span) => span.events.map((each) => each.attributes?.['calls'])), [[1], [2]], 'a driver adds events to its run through context.trace');
    await tracing.shutdown();
  });

  it('makes an event whose id is its correlation id the root of its trace, whatever its causation', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ serviceName: 'test', serviceVersion: '0.0.0', exporters: [exporter] });
    const span = tracing.tracer.startEvent(makeEvent({ id: 'plan-1.0.1', correlationid: 'plan-1.0.1', causationid: 'elsewhere' }), 1);
    span.end();
    await tracing.flush();
    const [root] = exporter.getFinishedSpans();
    assert.equal(parentOf(root!), undefined);
    assert.equal(root!.spanContext().traceId, traceIdOf('plan-1.0.1'));
    await tracing.shutdown();
  });
});
