/** The embedded default: SQLite ports around the core, and the `vextir start` host. */
export { composeLocal, type LocalSystem } from './compose.js';
export { startLocal, type RunningLocalHost } from './start.js';
