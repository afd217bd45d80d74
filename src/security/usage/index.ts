export { GRANULARITIES, bucketOf, previousBucketOf, type Bucket, type Granularity } from './buckets.js';
export { USAGE_KIND, UsageCounters, type UsageSnapshot } from './usage-counters.js';
export type { UsageDelta } from '../../kernel/index.js';
