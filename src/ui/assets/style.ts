/** `/apps/_assets/app.css`: the pages' one stylesheet (style-src 'self': no inline style anywhere). */
import { OPERATOR_CSS } from './style-operator.js';

export const APP_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #5b6470; --bg: #f5f6f8; --card: #fff; --line: #dde1e6; --accent: #2563eb; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --muted: #9aa3ad; --bg: #14171b; --card: #1d2127; --line: #2d333b; --accent: #6ea8fe; } }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
#bar { display: flex; gap: 1rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid var(--line); background: var(--card); }
#bar .home { font-weight: 600; color: inherit; text-decoration: none; }
#bar .title { flex: 1; color: var(--muted); }
.live { font-size: 12px; padding: 0 .5rem; border-radius: 1rem; border: 1px solid var(--line); color: var(--muted); }
main { padding: 1rem; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; } h2 { font-size: 1rem; margin: 0 0 .5rem; } h3 { font-size: .95rem; margin: 0 0 .25rem; }
.app-header { margin-bottom: 1rem; } .description { color: var(--muted); margin: 0 0 .5rem; }
.actions { display: flex; gap: .5rem; flex-wrap: wrap; align-items: flex-start; }
.grid { display: grid; gap: 1rem; }
${Array.from({ length: 12 }, (_, i) => `.cols-${i + 1} { grid-template-columns: repeat(${i + 1}, minmax(0, 1fr)); } .span-${i + 1} { grid-column: span ${i + 1}; }`).join('\n')}
@media (max-width: 800px) { .grid { grid-template-columns: 1fr; } .component { grid-column: auto; } }
.component { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem; min-width: 0; overflow: auto; max-height: 32rem; }
.events { list-style: none; margin: 0; padding: 0; } .events.timeline li { border-left: 2px solid var(--line); padding: .25rem .5rem; margin-bottom: .25rem; }
.meta { display: flex; gap: .5rem; font-size: 12px; color: var(--muted); } .type { font-family: ui-monospace, monospace; }
.data { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.status { font-size: 11px; padding: 0 .4rem; border-radius: 1rem; background: var(--line); }
.status-processed { background: #c8f0d0; color: #114d1f; } .status-failed, .status-denied, .status-dead_lettered { background: #f7c9c9; color: #6b1111; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .5rem; margin-bottom: .5rem; }
.chart { position: relative; height: 14rem; } .chart-summary, .empty { color: var(--muted); font-size: 12px; }
.metric-value { font-size: 2rem; font-weight: 600; margin: 0; } .metric-label { color: var(--muted); margin: 0; }
.markdown img { max-width: 100%; }
form.emit, form.signin { display: grid; gap: .5rem; max-width: 36rem; margin-top: .5rem; }
label { display: grid; gap: .2rem; font-size: 12px; color: var(--muted); }
input, textarea, select, button { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); }
button { cursor: pointer; background: var(--accent); color: #fff; border: 0; } button.signout { background: transparent; color: var(--muted); border: 1px solid var(--line); }
.icon-plus::before { content: "+ "; }
.error { color: #b42318; } .answer code { font-size: 12px; }
pre.document { white-space: pre-wrap; margin: 0; }
${OPERATOR_CSS}`;
