export { cardBrand } from './payment-card.js';
export { PII_SCAN_LIMITS } from './limits.js';
export { containsPii, detectPii, redactPii, type ScopedVerdicts } from './scan.js';
export { PiiVerdictCache } from './verdict-cache.js';
export { PII_KINDS, type PiiFinding, type PiiKind, type PiiScanOptions } from './types.js';
