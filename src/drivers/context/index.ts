/** The built-in `context` driver: the Context Hub over `context.*` events. */
export { createContextDriver, type ContextDriverDeps } from './context-driver.js';
