export { DELAYED_KIND, DelayedEvents, type DelayedCount } from './delayed-events.js';
export { GRANULARITIES, bucketOf, previousBucketOf, type Bucket, type Granularity } from './buckets.js';
export { MODEL_USAGE_KIND, type ModelUsageReport, type ModelUsageTotals } from './model-usage.js';
export { PACK_USAGE_KIND, type PackOfDriver } from './pack-usage.js';
export { USAGE_KIND, UsageCounters, type UsageSnapshot } from './usage-counters.js';
export type { UsageDelta } from '../../kernel/index.js';
