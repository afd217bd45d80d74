/**
 * A skill pack's grant, enforced by the authorizer: what a pack's driver emits (judged by the
 * kernel's `producer`, whatever source it claims), what its drivers are given, the context paths,
 * models and tools it reaches, and its daily cost ceiling. Each denial names `pack:<name>`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../src/adapters/memory/index.js';
import type { Envelope } from '../../src/kernel/index.js';
import { createSecuritySystem } from '../../src/security/index.js';
import { makeEvent, silentLogger, TestClock } from '../helpers/kernel-fixture.js';
import { MapPackGrants } from '../helpers/pack-grants.js';
import { policy } from './policy-helpers.js';

const WEATHER = {
  events: { receives: ['weather.request'], emits: ['weather.data', 'weather.severe'] },
  context: { read: ['/Weather'], write: ['/Weather/Cache'] },
  models: ['gpt-4o-mini'],
  tools: ['mcp:github/list_issues', 'search_web'],
  cost: { maxUsdPerDay: 0.5 },
};

function setup(grant = true) {
  const clock = new TestClock();
  const packs = new MapPackGrants().install('weather', { weather_tool: ['weather.request', 'weather.alert'], weather_agent: ['weather.ask'] });
  if (grant) packs.grant('alice', 'weather', WEATHER);
  const security = createSecuritySystem(new MemoryStateStore({ clock }), clock, silentLogger, { packs, usageFlushMs: 0 });
  const authorize = async (overrides: Partial<Envelope>) => (await security.authorizer.authorize(makeEvent(overrides))).decision;
  return { clock, packs, security, authorize };
}

/** An event the pack's driver emitted (the kernel sets `producer`). */
const fromPack = (type: string, data: unknown = {}, more: Partial<Envelope> = {}): Partial<Envelope> => ({ type, data, producer: 'weather_tool', source: '/drivers/weather_tool', depth: 1, ...more });

function assertDeniedByPack(decision: Awaited<ReturnType<ReturnType<typeof setup>['authorize']>>, reason: RegExp): void {
  assert.equal(decision.allowed, false);
  assert.equal(decision.verdict, 'deny');
  assert.equal(decision.decidedBy, 'pack:weather');
  assert.deepEqual(decision.policies, ['pack:weather']);
  assert.match(decision.reason, /^Denied by pack:weather: driver weather_tool of pack weather: /);
  assert.match(decision.reason, reason);
  assert.equal(decision.matched?.[0]?.id, 'pack:weather');
}

describe('what a pack emits', () => {
  it('allows what the grant allows and leaves no trace of the pack in the decision', async () => {
    const { authorize } = setup();
    const decision = await authorize(fromPack('weather.data', { city: 'Oslo' }));
    assert.equal(decision.allowed, true);
    assert.deepEqual(decision.policies, []);
    assert.equal(decision.restrictions, undefined);
  });

  it('denies everything from a pack the user has not granted', async () => {
    const { authorize } = setup(false);
    assertDeniedByPack(await authorize(fromPack('weather.data')), /the pack is not granted to alice/);
  });

  it('applies a global grant to every user, and a revoked grant stops the pack at once', async () => {
    const { authorize, packs } = setup(false);
    packs.grant('*', 'weather', WEATHER);
    assert.equal((await authorize(fromPack('weather.data', {}, { userid: 'bob' }))).allowed, true);
    packs.revoke('*', 'weather');
    assertDeniedByPack(await authorize(fromPack('weather.data', {}, { userid: 'bob' })), /not granted to bob/);
  });

  it('denies an event type outside emits, whatever source the driver claims', async () => {
    const { authorize } = setup();
    const decision = await authorize(fromPack('email.send', { to: 'x@example.com' }, { source: '/drivers/context' }));
    assertDeniedByPack(decision, /emitted email\.send, which is not among the event types it may emit \(weather\.data, weather\.severe\)/);
  });

  it('waits for a directory that must be read again rather than judge by a stale one', async () => {
    const { clock, packs } = setup();
    const reloading = { directory: async () => packs.directory(), permissionsFor: (user: string, pack: string) => packs.permissionsFor(user, pack) };
    const security = createSecuritySystem(new MemoryStateStore({ clock }), clock, silentLogger, { packs: reloading, usageFlushMs: 0 });
    const decision = (await security.authorizer.authorize(makeEvent(fromPack('email.send')))).decision;
    assertDeniedByPack(decision, /emitted email\.send/);
    await security.usage.add('alice', clock.now(), { costUsd: 0.2, spentBy: [{ driver: 'models', producer: 'weather_tool', costUsd: 0.2 }] });
    assert.equal(await security.usage.packSpentToday('alice', 'weather', clock.now()), 0.2);
  });

  it('lets no policy allow what the grant forbids', async () => {
    const { authorize, security } = setup();
    await security.policies.replace({ kind: 'user', userId: 'alice' }, [policy({ id: 'let-all', condition: 'true', action: 'allow' })], undefined);
    assertDeniedByPack(await authorize(fromPack('email.send')), /email\.send/);
  });

  it('judges context requests by the granted paths, not by emits', async () => {
    const { authorize } = setup();
    assert.equal((await authorize(fromPack('context.read', { path: '/Weather/Oslo' }))).allowed, true);
    assert.equal((await authorize(fromPack('context.write', { path: '/Weather/Cache/oslo', content: 1 }))).allowed, true);
    const write = await authorize(fromPack('context.write', { path: '/Weather/Oslo', content: 1 }));
    assertDeniedByPack(write, /context\.write writes \/Weather\/Oslo, outside the context paths it may write \(\/Weather\/Cache\)/);
    assert.equal(write.contextPath, '/Weather/Oslo');
    assertDeniedByPack(await authorize(fromPack('context.read', { path: '/Personal/diary' })), /reads \/Personal\/diary/);
    assertDeniedByPack(await authorize(fromPack('context.read', { path: '/WeatherX' })), /reads \/WeatherX/);
    assertDeniedByPack(await authorize(fromPack('context.read', { path: '/Weather/../Personal' })), /data\.path/);
    assertDeniedByPack(await authorize(fromPack('context.move', { path: '/Weather/Cache/a', to: '/Notes/a' })), /writes \/Notes\/a/);
  });

  it('reads the root for a list, query or search that names no folder, and never another user\'s hub', async () => {
    const { authorize } = setup();
    assertDeniedByPack(await authorize(fromPack('context.query', { where: 'priority = "high"' })), /context\.query reads \/,/);
    assertDeniedByPack(await authorize(fromPack('context.list', {})), /context\.list reads \/,/);
    assert.equal((await authorize(fromPack('context.search', { text: 'rain', prefix: '/Weather' }))).allowed, true);
    assertDeniedByPack(await authorize(fromPack('context.read', { path: '/Weather/x', owner: 'bob' })), /another user's context hub/);
  });

  it('calls only the granted models, and "auto" chooses among them', async () => {
    const { authorize } = setup();
    assertDeniedByPack(await authorize(fromPack('model.request', { model: 'gpt-4o', messages: [] })), /model gpt-4o, which is not among the models it may call \(gpt-4o-mini\)/);
    assert.equal((await authorize(fromPack('model.request', { model: 'gpt-4o-mini', messages: [] }))).allowed, true);
    const auto = await authorize(fromPack('model.request', { model: 'auto', messages: [] }));
    assert.equal(auto.allowed, true);
    assert.deepEqual(auto.restrictions?.models?.allow, ['gpt-4o-mini']);
  });

  it('calls only the granted tools', async () => {
    const { authorize } = setup();
    assert.equal((await authorize(fromPack('tool.call', { server: 'github', tool: 'list_issues', arguments: {} }))).allowed, true);
    assert.equal((await authorize(fromPack('tool.call', { server: 'search', tool: 'web', arguments: {} }))).allowed, true, 'by its registry name search_web');
    assertDeniedByPack(await authorize(fromPack('tool.call', { server: 'github', tool: 'delete_repo', arguments: {} })), /tool delete_repo of the MCP server github/);
    assertDeniedByPack(await authorize(fromPack('tool.call', { tool: 'list_issues' })), /names no server and tool/);
  });

  it('stops model and tool calls once the pack spent its ceiling for the user today', async () => {
    const { authorize, security, clock } = setup();
    const request = fromPack('model.request', { model: 'gpt-4o-mini', messages: [] });
    // The models driver answered the pack's requests: the cost is the pack's, by the request's producer.
    await security.usage.add('alice', clock.now(), { costUsd: 0.3, spentBy: [{ driver: 'models', producer: 'weather_tool', costUsd: 0.3 }] });
    assert.equal((await authorize(request)).allowed, true);
    await security.usage.add('alice', clock.now(), { costUsd: 0.2, spentBy: [{ driver: 'models', producer: 'weather_tool', costUsd: 0.2 }] });
    assertDeniedByPack(await authorize(request), /beyond its ceiling of 0\.5 USD a day for alice \(spent today: 0\.5 USD\)/);
    assert.equal((await authorize(fromPack('weather.data'))).allowed, true, 'what costs nothing still flows');
    assert.equal((await authorize({ ...request, userid: 'bob' })).decidedBy, 'pack:weather', 'bob has no grant');
    assert.equal(await security.usage.packSpentToday('bob', 'weather', clock.now()), 0);
    clock.advance(24 * 60 * 60 * 1000);
    assert.equal((await authorize(request)).allowed, true, 'a new day');
  });

  it('counts spend to the pack of the driver that ran, else to the pack that asked, else to none', async () => {
    const { security, clock } = setup();
    await security.usage.add('alice', clock.now(), { costUsd: 0.1, spentBy: [{ driver: 'weather_agent', costUsd: 0.1 }] });
    await security.usage.add('alice', clock.now(), { costUsd: 0.4, spentBy: [{ driver: 'models', producer: 'agents', costUsd: 0.4 }] });
    await security.usage.add('alice', clock.now(), { costUsd: 0.1 });
    assert.equal(await security.usage.packSpentToday('alice', 'weather', clock.now()), 0.1);
  });
});

describe('what a pack is given', () => {
  it('keeps a pack\'s drivers out of events for a user without a grant, saying why', async () => {
    const { authorize } = setup(false);
    const decision = await authorize({ type: 'weather.request', data: { city: 'Oslo' } });
    assert.equal(decision.allowed, true, 'the event itself is fine');
    assert.deepEqual(decision.restrictions?.drivers?.deny, ['weather_tool']);
    assert.deepEqual(decision.matched, [{ id: 'pack:weather', action: 'restrict', reason: 'driver weather_tool of pack weather does not run: the pack is not granted to alice' }]);
    assert.ok(decision.policies.includes('pack:weather'));
  });

  it('gives a pack\'s drivers only the event types it may receive, and answers addressed to them', async () => {
    const { authorize } = setup();
    assert.equal((await authorize({ type: 'weather.request' })).restrictions, undefined);
    const alert = await authorize({ type: 'weather.alert' });
    assert.deepEqual(alert.restrictions?.drivers?.deny, ['weather_tool']);
    assert.match(alert.matched?.[0]?.reason ?? '', /weather\.alert is not among the event types the pack may receive \(weather\.request\)/);
    const answer = await authorize({ type: 'model.response', recipient: 'weather_agent', data: { model: 'gpt-4o-mini' } });
    assert.equal(answer.restrictions, undefined, 'an answer to its own request');
    const denied = await authorize({ type: 'event.denied', recipient: 'weather_agent', data: { contextPath: '/Personal' } });
    assert.equal(denied.restrictions, undefined, 'the denial of its own request');
  });

  it('keeps context paths outside its read grant from its drivers', async () => {
    const { authorize, packs } = setup();
    packs.install('weather', { weather_watch: ['context.updated'] }).grant('alice', 'weather', { ...WEATHER, events: { receives: ['context.updated'], emits: [] } });
    assert.equal((await authorize({ type: 'context.updated', data: { path: '/Weather/Oslo' } })).restrictions, undefined);
    const personal = await authorize({ type: 'context.updated', data: { path: '/Personal/diary' } });
    assert.deepEqual(personal.restrictions?.drivers?.deny, ['weather_watch']);
    assert.match(personal.matched?.[0]?.reason ?? '', /carries \/Personal\/diary, outside the context paths the pack may read \(\/Weather\)/);
  });

  it('asks nothing about grants for events no pack is concerned with', async () => {
    const { authorize, packs } = setup();
    const decision = await authorize({ type: 'task.create', data: { title: 'x' }, producer: 'plans' });
    assert.equal(decision.allowed, true);
    assert.deepEqual(decision.policies, []);
    assert.equal(packs.lookups, 0);
  });
});
