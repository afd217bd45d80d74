/**
 * The pages under /apps: one static HTML shell for every application path (no user data in
 * it: the client fetches the application and its data with the reader's token), the sign-in
 * page, and the assets. Served by the API on both hosts like any route, without a token.
 *
 * Assets are strings in .ts modules (src/ui/assets) so `tsc` ships them in dist with the code;
 * chart.js is read once from its package (a runtime dependency) and kept in memory.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AGENT_RUNS_SCRIPT } from './assets/agent-runs-script.js';
import { APP_SCRIPT } from './assets/app-script.js';
import { CHARTS_SCRIPT } from './assets/charts-script.js';
import { COMPONENTS_SCRIPT } from './assets/components-script.js';
import { DEAD_LETTERS_SCRIPT } from './assets/dead-letters-script.js';
import { DOM_SCRIPT } from './assets/dom-script.js';
import { EVENT_DETAIL_SCRIPT } from './assets/event-detail-script.js';
import { FEED_SCRIPT } from './assets/feed-script.js';
import { FORMS_SCRIPT } from './assets/forms-script.js';
import { OPERATIONS_SCRIPT } from './assets/operations-script.js';
import { PLAN_GRAPH_SCRIPT } from './assets/plan-graph-script.js';
import { PLANS_SCRIPT } from './assets/plans-script.js';
import { ROUTES_SCRIPT } from './assets/routes-script.js';
import { APP_CSS } from './assets/style.js';
import { USAGE_SCRIPT } from './assets/usage-script.js';
import { WIDGETS_SCRIPT } from './assets/widgets-script.js';

/** No inline script or style, nothing from elsewhere, no framing, no <base>, forms only to us. */
export const APP_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface PageResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

const SHELL = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vextir apps</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/apps/_assets/app.css">
<script src="/apps/_assets/chart.js" defer></script>
<script type="module" src="/apps/_assets/app.js"></script>
</head>
<body>
<nav id="bar"></nav>
<main id="app" aria-live="polite">Loading…</main>
</body>
</html>
`;

/** The shell for `/apps`, `/apps/_signin` and every application path; the script decides what to show. */
export function appShell(): PageResponse {
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': APP_CSP, 'cache-control': 'no-store', ...SECURITY_HEADERS }, body: SHELL };
}

const JS = 'text/javascript; charset=utf-8';
/** The client's own modules, by the name each imports the others by. */
export const CLIENT_MODULES: Readonly<Record<string, string>> = {
  'app.js': APP_SCRIPT,
  'routes.js': ROUTES_SCRIPT,
  'components.js': COMPONENTS_SCRIPT,
  'dom.js': DOM_SCRIPT,
  'widgets.js': WIDGETS_SCRIPT,
  'feed.js': FEED_SCRIPT,
  'charts.js': CHARTS_SCRIPT,
  'forms.js': FORMS_SCRIPT,
  'event-detail.js': EVENT_DETAIL_SCRIPT,
  'plans.js': PLANS_SCRIPT,
  'plan-graph.js': PLAN_GRAPH_SCRIPT,
  'agent-runs.js': AGENT_RUNS_SCRIPT,
  'operations.js': OPERATIONS_SCRIPT,
  'dead-letters.js': DEAD_LETTERS_SCRIPT,
  'usage.js': USAGE_SCRIPT,
};
const ASSETS: Record<string, { type: string; body: () => string }> = {
  ...Object.fromEntries(Object.entries(CLIENT_MODULES).map(([name, body]) => [name, { type: JS, body: () => body }])),
  'app.css': { type: 'text/css; charset=utf-8', body: () => APP_CSS },
  'chart.js': { type: JS, body: chartJs },
};

/** An asset by name, or undefined. Short caching: the assets change with the server's version. */
export function appAsset(name: string): PageResponse | undefined {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (asset === undefined) return undefined;
  return { status: 200, headers: { 'content-type': asset.type, 'cache-control': 'public, max-age=300', 'content-security-policy': APP_CSP, ...SECURITY_HEADERS }, body: asset.body() };
}

let chart: string | undefined;
/** chart.js's UMD build (sets `window.Chart`); its package exports only the ES entry, so the file is found beside it. */
function chartJs(): string {
  if (chart === undefined) {
    const entry = createRequire(import.meta.url).resolve('chart.js');
    chart = readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/, '\n');
  }
  return chart;
}
