/** The built-in `context` driver: the Context Hub over `context.*` events, and its tools for agents. */
export { createContextDriver, type ContextDriverDeps } from './context-driver.js';
export { contextTools, contextToolSchemas } from './tools.js';
