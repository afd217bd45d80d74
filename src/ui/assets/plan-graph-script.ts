/**
 * `/apps/_assets/plan-graph.js`: the `plan_graph` component, the plan the route names as its DAG.
 * Steps stand in layers (a step's layer is one more than its deepest dependency's, as
 * `vextir plan status` draws them), coloured by status, with the dependencies drawn as SVG lines
 * between them; the statuses follow the plan live (its events on the stream, and a short poll
 * while it runs). Clicking a step shows its attempts, its input (the request event an attempt
 * published) and its output. Cancel and Retry call POST /api/plans/{id}/cancel|retry.
 */
export const PLAN_GRAPH_SCRIPT = String.raw`
import { debounce, el, time } from './dom.js';
import { badge, between, button, definitions, duration, json, maybeLink, notice, section, shortId, table } from './widgets.js';

const FINISHED = new Set(['completed', 'failed', 'cancelled']);
const MAX_NODES = 500;
/** Past this many steps the lines would be a blur: the layers alone say enough. */
const MAX_EDGES_NODES = 300;

/** Kahn's algorithm, so a long chain needs no recursion; dependencies not listed are ignored. */
export function layersOf(nodes) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const layer = new Map();
  const waiting = new Map(nodes.map((n) => [n.id, n.dependsOn.filter((d) => byId.has(d)).length]));
  const dependents = new Map();
  for (const n of nodes) for (const d of n.dependsOn) if (byId.has(d)) { if (!dependents.has(d)) dependents.set(d, []); dependents.get(d).push(n.id); }
  const queue = nodes.filter((n) => waiting.get(n.id) === 0).map((n) => n.id);
  queue.forEach((id) => layer.set(id, 0));
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const next of dependents.get(id) || []) {
      layer.set(next, Math.max(layer.get(next) || 0, layer.get(id) + 1));
      waiting.set(next, waiting.get(next) - 1);
      if (waiting.get(next) === 0) queue.push(next);
    }
  }
  const depth = Math.max(0, ...layer.values());
  const layers = Array.from({ length: depth + 1 }, () => []);
  for (const n of nodes) (layers[layer.has(n.id) ? layer.get(n.id) : depth] || layers[depth]).push(n);
  return layers.filter((l) => l.length > 0);
}

export async function planGraph(c, card, ctx) {
  const id = ctx.route.id;
  if (!id) { card.append(notice('Choose a plan to see its steps.')); return; }
  const head = el('div', 'plan-head');
  const dag = el('div', 'dag');
  const panel = el('div', 'node-panel');
  const message = el('p', 'status-line');
  card.append(head, message, dag, panel);
  let plan;
  let nodes = [];
  let selected;
  const inputs = new Map();

  const act = (what) => async () => {
    message.textContent = what === 'cancel' ? 'Cancelling…' : 'Retrying…';
    try {
      await ctx.api('POST', '/api/plans/' + encodeURIComponent(id) + '/' + what);
      message.textContent = what === 'cancel' ? 'Cancelled.' : 'Retried: its failed steps run again.';
      await load();
    } catch (error) {
      message.textContent = error.message;
    }
  };

  const drawHead = () => {
    const actions = el('span', 'plan-actions');
    // Another user's plan is theirs to change: an admin reads it only.
    if (!ctx.readAs() && !FINISHED.has(plan.status)) actions.append(button('Cancel', act('cancel'), 'danger cancel'));
    if (!ctx.readAs() && plan.status === 'failed') actions.append(button('Retry', act('retry'), 'retry'));
    const title = el('div', 'detail-head');
    const name = el('h3', null, 'Plan ');
    name.append(shortId(plan.id));
    title.append(name, badge(plan.status), actions);
    head.dataset.status = plan.status;
    head.replaceChildren(title, definitions([
      ['Instruction', plan.instruction.id + ' v' + plan.instruction.version + (plan.instruction.name ? ' - ' + plan.instruction.name : '')],
      ['Steps', plan.progress.done + ' of ' + plan.progress.nodes + ' done' + (plan.progress.active ? ', ' + plan.progress.active + ' active' : '')],
      ['Round', plan.round > 1 ? plan.round : undefined],
      ['Trigger', maybeLink(plan.trigger.type, ctx.linkTo('event', plan.trigger.id))],
      ['Started', time(plan.startedAt || plan.createdAt)],
      ['Took', between(plan.startedAt || plan.createdAt, plan.finishedAt) + (plan.finishedAt ? '' : ' so far')],
      ['Failed steps', (plan.failures || []).join(', ') || undefined],
      ['Error', plan.error],
    ], 'plan-facts'));
  };

  const drawDag = () => {
    const scroll = dag.scrollLeft;
    const layers = layersOf(nodes);
    const columns = el('div', 'layers');
    const boxes = new Map();
    layers.forEach((layer, index) => {
      const column = el('div', 'layer');
      column.append(el('div', 'layer-name', 'layer ' + (index + 1)));
      for (const node of layer) {
        const box = button('', () => { selected = node.id; drawDag(); drawPanel(); }, 'node status-' + node.status + (node.id === selected ? ' selected' : ''));
        box.dataset.node = node.id;
        box.dataset.status = node.status;
        const attempts = node.attempts.length > 1 ? ' · ' + node.attempts.length + ' attempts' : '';
        box.append(el('strong', null, node.id), el('small', null, node.action + ' · ' + node.status + attempts + (node.durationMs !== undefined ? ' · ' + duration(node.durationMs) : '')));
        boxes.set(node.id, box);
        column.append(box);
      }
      columns.append(column);
    });
    dag.replaceChildren(columns);
    if (plan.progress.nodes > nodes.length) dag.append(notice('Showing the first ' + nodes.length + ' of ' + plan.progress.nodes + ' steps.'));
    dag.scrollLeft = scroll;
    if (nodes.length <= MAX_EDGES_NODES) requestAnimationFrame(() => drawEdges(columns, boxes));
  };

  const drawEdges = (columns, boxes) => {
    if (!columns.isConnected) return;
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'edges');
    svg.setAttribute('width', String(columns.scrollWidth));
    svg.setAttribute('height', String(columns.scrollHeight));
    svg.setAttribute('aria-hidden', 'true');
    const origin = columns.getBoundingClientRect();
    for (const node of nodes) {
      const to = boxes.get(node.id);
      for (const dep of node.dependsOn) {
        const from = boxes.get(dep);
        if (!from || !to) continue;
        const a = from.getBoundingClientRect();
        const b = to.getBoundingClientRect();
        const x1 = a.right - origin.left, y1 = a.top + a.height / 2 - origin.top;
        const x2 = b.left - origin.left, y2 = b.top + b.height / 2 - origin.top;
        const path = document.createElementNS(ns, 'path');
        const bend = Math.max(12, (x2 - x1) / 2);
        path.setAttribute('d', 'M' + x1 + ',' + y1 + ' C' + (x1 + bend) + ',' + y1 + ' ' + (x2 - bend) + ',' + y2 + ' ' + x2 + ',' + y2);
        path.setAttribute('class', 'edge edge-' + node.status);
        svg.append(path);
      }
    }
    columns.prepend(svg);
  };

  const drawPanel = () => {
    const node = nodes.find((n) => n.id === selected);
    if (!node) { panel.replaceChildren(notice('Click a step to see its attempts, input and output.')); return; }
    panel.dataset.node = node.id;
    // The input as the instruction wrote it, and as resolved: the data of the request the latest
    // attempt published (read from that event when the server does not say).
    const request = [...node.attempts].reverse().find((a) => a.requestId);
    const resolved = el('div', 'input');
    if (node.resolvedInput !== undefined) resolved.append(json(node.resolvedInput));
    else if (request) {
      const cached = inputs.get(request.requestId);
      if (cached) resolved.append(json(cached.event.data));
      else {
        resolved.append(notice('Loading…'));
        ctx.api('GET', '/api/events/' + encodeURIComponent(request.requestId) + ctx.userParam()).then((r) => { inputs.set(request.requestId, r); if (selected === node.id) resolved.replaceChildren(json(r.event.data)); }, (error) => resolved.replaceChildren(notice(error.message, 'error')));
      }
    } else resolved.append(notice(node.action === 'sleep' || node.action === 'wait_for_event' ? 'This step publishes no request.' : 'No request published yet.'));
    const written = node.input && Object.keys(node.input).length ? json(node.input) : undefined;
    const eventLink = (eventId) => (eventId ? maybeLink(eventId, ctx.linkTo('event', eventId)) : '');
    panel.replaceChildren(
      el('h3', null, 'Step ' + node.id),
      definitions([
        ['Action', node.action], ['Status', badge(node.status)], ['Depends on', node.dependsOn.join(', ') || 'nothing'],
        ['Ready', time(node.readyAt)], ['Finished', time(node.finishedAt)], ['Took', duration(node.durationMs)],
        ['Deadline', node.deadline && !node.finishedAt ? time(node.deadline) : undefined], ['Reason', node.reason],
        ['Error', node.error ? node.error.code + ': ' + node.error.message : undefined],
      ]),
      section('Attempts', node.attempts.length === 0 ? notice('Not started.') : table([
        ['#', (a) => a.number], ['Status', (a) => badge(a.status)], ['Started', (a) => time(a.startedAt)],
        ['Took', (a) => between(a.startedAt, a.finishedAt)], ['Request', (a) => eventLink(a.requestId)],
        ['Settled by', (a) => eventLink(a.settledBy)], ['Error', (a) => (a.error ? a.error.code + ': ' + a.error.message : '')],
      ], node.attempts, () => 'attempt')),
      section('Input', ...(written ? [el('h4', null, 'As written'), written, el('h4', null, 'As sent')] : []), resolved),
      section('Output', node.output !== undefined ? json(node.output) : node.outputRef ? notice('Stored apart (' + node.outputRef.bytes + ' bytes).') : notice('No output yet.')),
    );
  };

  const load = async () => {
    const answer = await ctx.api('GET', '/api/plans/' + encodeURIComponent(id) + '?limit=' + MAX_NODES + ctx.userParam('&'));
    if (ctx.signal.aborted) return;
    plan = answer.plan;
    nodes = answer.nodes;
    drawHead();
    drawDag();
    drawPanel();
  };
  // A plan is made when the plans driver handles its instruction.run, a moment after the run was
  // asked for: a link followed at once may arrive first, so a missing plan is waited for a little.
  for (let tries = 0; ; tries++) {
    try {
      await load();
      break;
    } catch (error) {
      if (ctx.signal.aborted) return;
      if (error.status !== 404 || tries >= 10) { card.replaceChildren(notice(error.status === 404 ? 'No plan ' + id + ' was found.' : error.message, 'error')); return; }
      message.textContent = 'Waiting for plan ' + id + ' to start…';
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  message.textContent = '';
  const reload = debounce(() => load().catch((error) => { message.textContent = error.message; }), 200);
  ctx.subscribe((record) => {
    const e = record.event || {};
    const data = e.data || {};
    if (record.id.startsWith(id + '.') || data.plan === id || (plan && e.correlationid === plan.correlationId)) reload();
  });
  ctx.every(() => { if (plan && !FINISHED.has(plan.status)) reload(); }, 1500);
}
`;
