/**
 * The CEL side of the environment described in environment.ts: the classes CEL sees and the
 * library Environment that declares them. The type checker knows every field's type, so a
 * misspelt field is a compile error; keep SCALAR_FIELDS in environment.ts in step.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { PolicyLimits } from './limits.js';

export class EventValue {
  constructor(
    readonly id: string,
    readonly type: string,
    readonly category: string,
    readonly source: string,
    readonly subject: string,
    readonly depth: bigint,
    readonly data: unknown,
    readonly time: Date,
  ) {}
}
export class UserValue {
  constructor(readonly id: string) {}
}
export class UsageValue {
  constructor(
    readonly events_per_minute: bigint,
    readonly events_per_hour: bigint,
    readonly events_per_day: bigint,
    readonly tokens_today: bigint,
    readonly tokens_month: bigint,
    readonly cost_today: number,
    readonly cost_month: number,
  ) {}
}
export class ContextValue {
  constructor(
    readonly path: string,
    /** Every context path the event names: the request's paths, or the paths in its results. */
    readonly paths: readonly string[],
  ) {}
}
export class PiiValue {
  constructor(
    readonly found: boolean,
    readonly kinds: readonly string[],
  ) {}
}

/** The CEL environment for one set of limits: declared variables only, typed fields. */
export function createCelEnvironment(limits: PolicyLimits): Environment {
  return new Environment({
    unlistedVariablesAreDyn: false,
    enableOptionalTypes: false,
    limits: {
      maxAstNodes: limits.maxAstNodes,
      maxDepth: limits.maxAstDepth,
      maxListElements: limits.maxLiteralElements,
      maxMapEntries: limits.maxLiteralElements,
      maxCallArguments: 16,
    },
  })
    .registerType('vextir.Event', {
      ctor: EventValue,
      fields: { id: 'string', type: 'string', category: 'string', source: 'string', subject: 'string', depth: 'int', data: 'dyn', time: 'google.protobuf.Timestamp' },
    })
    .registerType('vextir.User', { ctor: UserValue, fields: { id: 'string' } })
    .registerType('vextir.Usage', {
      ctor: UsageValue,
      fields: {
        events_per_minute: 'int',
        events_per_hour: 'int',
        events_per_day: 'int',
        tokens_today: 'int',
        tokens_month: 'int',
        cost_today: 'double',
        cost_month: 'double',
      },
    })
    .registerType('vextir.Context', { ctor: ContextValue, fields: { path: 'string', paths: 'list<string>' } })
    .registerType('vextir.Pii', { ctor: PiiValue, fields: { found: 'bool', kinds: 'list<string>' } })
    .registerVariable('event', 'vextir.Event')
    .registerVariable('user', 'vextir.User')
    .registerVariable('usage', 'vextir.Usage')
    .registerVariable('context', 'vextir.Context')
    .registerVariable('model', 'string')
    .registerVariable('pii', 'vextir.Pii');
}
