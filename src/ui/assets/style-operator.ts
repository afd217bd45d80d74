/** The operator's components' part of `/apps/_assets/app.css`: tabs, filter bars, tables, the DAG, timelines. */
export const OPERATOR_CSS = `
.tabs { display: flex; gap: .25rem; flex-wrap: wrap; border-bottom: 1px solid var(--line); margin: 0 0 1rem; }
.tabs a { padding: .4rem .8rem; color: var(--muted); text-decoration: none; border-bottom: 2px solid transparent; }
.tabs .read-as { margin-left: auto; display: flex; gap: .35rem; align-items: center; } .read-as input { width: 9rem; padding: .2rem .4rem; } .read-as button { padding: .2rem .5rem; }
.reading { color: #b45309; font-size: 12px; font-weight: 600; }
.tabs a[aria-current="page"] { color: var(--fg); border-bottom-color: var(--accent); font-weight: 600; }
#bar .who { color: var(--muted); font-size: 12px; }
.system-link { padding: .5rem .75rem; border: 1px solid var(--line); border-radius: 8px; background: var(--card); }
.component.tall { max-height: none; }
.muted, .why { color: var(--muted); } .why { font-size: 12px; margin: .1rem 0; }
button.secondary { background: transparent; color: var(--fg); border: 1px solid var(--line); }
button.danger { background: #b42318; } button:disabled { opacity: .5; cursor: default; }
.feed-controls, .list-controls { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: .5rem; }
.feed-controls input[type="text"] { width: 11rem; }
.grid-table td, .events.table td { font-size: 13px; } .grid-table code.id { font-size: 12px; }
tr.linked, li.linked { cursor: pointer; } tr.linked:hover, tr.selected { background: color-mix(in srgb, var(--accent) 10%, transparent); }
.more { margin-top: .5rem; } .feed-note { margin: .25rem 0; }
.detail-head { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; } .detail-head h2, .detail-head h3 { margin: 0; }
.plan-actions { margin-left: auto; display: flex; gap: .5rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; margin: .5rem 0; font-size: 13px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.parts { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: .75rem; }
.part { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; min-width: 0; overflow: auto; }
.part[data-part="drivers-run"], .part[data-part="data"], .part[data-part="audit"] { grid-column: 1 / -1; } .node-panel .part { margin-top: .5rem; }
.plan-head dl.facts { grid-template-columns: max-content 1fr max-content 1fr; } .grid-table small.muted { display: block; }
pre.json { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; margin: .25rem 0; max-height: 24rem; overflow: auto; background: var(--bg); padding: .4rem; border-radius: 4px; }
.verdict { font-weight: 600; margin: 0; } .verdict.allowed { color: #15803d; } .verdict.refused { color: #b42318; } .reason { margin: .2rem 0; }
ol.policies { margin: 0; padding-left: 1.2rem; } ol.policies li.matched { font-weight: 600; }
.action { font-size: 11px; padding: 0 .35rem; border-radius: 1rem; background: var(--line); }
.action-deny { background: #f7c9c9; color: #6b1111; } .action-restrict, .action-require_approval, .action-throttle { background: #fde68a; color: #713f12; }
.chips { display: inline-flex; gap: .25rem; flex-wrap: wrap; } .chip { font-size: 11px; padding: 0 .4rem; border-radius: 1rem; background: #fde68a; color: #713f12; }
ul.tree, ul.tree ul, ol.ancestors { list-style: none; margin: 0; padding-left: 1rem; } ul.tree { padding-left: 0; }
ul.tree li, ol.ancestors li { margin: .15rem 0; } ul.tree ul { border-left: 1px dashed var(--line); }
ul.tree li.current > strong { color: var(--accent); }
.dag { overflow: auto; padding: .5rem 0; } .layers { position: relative; display: flex; gap: 3rem; align-items: flex-start; min-width: max-content; }
.layer { position: relative; display: flex; flex-direction: column; gap: .6rem; z-index: 1; }
.layer-name { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
svg.edges { position: absolute; left: 0; top: 0; z-index: 0; pointer-events: none; overflow: visible; }
svg.edges path { fill: none; stroke: var(--muted); stroke-width: 1.5; opacity: .6; }
button.node { display: grid; text-align: left; min-width: 10rem; max-width: 16rem; background: var(--card); color: var(--fg); border: 2px solid var(--line); border-radius: 8px; padding: .35rem .6rem; }
button.node small { color: var(--muted); font-size: 11px; } button.node.selected { outline: 2px solid var(--accent); outline-offset: 2px; }
.node.status-completed { border-color: #16a34a; } .node.status-failed { border-color: #dc2626; } .node.status-cancelled, .node.status-skipped { border-color: #9ca3af; border-style: dashed; }
.node.status-running, .node.status-waiting, .node.status-sleeping, .node.status-retrying { border-color: #2563eb; animation: pulse 1.5s ease-in-out infinite; }
@keyframes pulse { 50% { box-shadow: 0 0 0 4px color-mix(in srgb, #2563eb 25%, transparent); } }
@media (prefers-reduced-motion: reduce) { .node { animation: none !important; } }
.node-panel { margin-top: .75rem; border-top: 1px solid var(--line); padding-top: .5rem; }
.status-line { color: var(--muted); font-size: 12px; min-height: 1em; margin: .25rem 0; }
ol.steps { list-style: none; padding: 0; margin: 0; } ol.steps > li { border-left: 3px solid var(--line); padding: .25rem .75rem; margin-bottom: .75rem; }
.step-line { color: var(--muted); font-size: 12px; } .request { font-size: 12px; margin: .1rem 0; }
ul.tool-calls { list-style: none; padding-left: .5rem; } li.tool-call { border: 1px solid var(--line); border-radius: 6px; padding: .35rem .5rem; margin: .35rem 0; }
li.tool-call .decision { font-size: 12px; color: var(--muted); } a.back { display: inline-block; margin-bottom: .5rem; }
ul.approval-list { list-style: none; padding: 0; margin: 0; } li.approval { border: 1px solid var(--line); border-radius: 6px; padding: .5rem; margin-bottom: .5rem; }
.approval-actions { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; } .outcome { font-size: 12px; color: var(--muted); }
li.approval[data-decided] { opacity: .6; }
.bulk { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; margin-bottom: .5rem; } label.inline { display: inline-flex; flex-direction: row; gap: .3rem; align-items: center; }
progress { width: 12rem; } tr[data-replayed] { opacity: .6; } .health-reason { font-size: 12px; color: #b45309; margin: .2rem 0; }
.status-completed, .status-ok, .status-succeeded, .status-approved, .status-active, .status-done { background: #c8f0d0; color: #114d1f; }
.status-running, .status-sleeping, .status-waiting, .status-retrying, .status-queued, .status-awaiting_model, .status-awaiting_tools { background: #dbeafe; color: #1e3a8a; }
.status-awaiting_approval, .status-throttled, .status-degraded, .status-failing, .status-paused, .status-pending, .status-timed_out { background: #fde68a; color: #713f12; }
.status-cancelled, .status-skipped, .status-idle, .status-rejected { background: var(--line); color: var(--muted); }
`;
