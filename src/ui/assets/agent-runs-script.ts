/**
 * `/apps/_assets/agent-runs.js`: the `agent_runs` component. Without an id in the route, the
 * reader's runs (GET /api/agents/runs), newest first and paged; with one, that run as a timeline
 * (GET /api/agents/runs/{id}): each step's model and why it was chosen, tokens, cost and latency,
 * and each tool call with its arguments, the policy decision on the event it became, and its
 * result or error. Followed every few seconds while the run goes on.
 */
export const AGENT_RUNS_SCRIPT = String.raw`
import { el, time } from './dom.js';
import { badge, between, button, definitions, duration, json, link, maybeLink, notice, shortId, table, tokens, usd } from './widgets.js';

const GOING = new Set(['running', 'awaiting_approval']);

export async function agentRuns(c, card, ctx) {
  if (ctx.route.id) return timeline(ctx.route.id, card, ctx);
  const box = el('div', 'run-list');
  const more = button('Load more', () => load(true).catch(show), 'secondary more');
  more.hidden = true;
  card.append(box, more);
  let runs = [];
  let cursor;
  const columns = [
    ['Run', (r) => { const a = maybeLink('', ctx.linkTo('run', r.id)); a.append(shortId(r.id)); return a; }],
    ['Agent', (r) => r.agent],
    ['Status', (r) => badge(r.status)],
    ['Model', (r) => r.model || ''],
    ['Steps', (r) => r.steps],
    ['Tokens', (r) => tokens(r.tokens)],
    ['Cost', (r) => usd(r.costUsd)],
    ['Started', (r) => time(r.startedAt)],
  ];
  const load = async (next) => {
    const answer = await ctx.api('GET', '/api/agents/runs?limit=' + c.limit + (next && cursor ? '&cursor=' + encodeURIComponent(cursor) : '') + ctx.userParam('&'));
    if (ctx.signal.aborted) return;
    runs = next ? [...runs, ...answer.runs] : answer.runs;
    cursor = answer.cursor;
    more.hidden = !cursor;
    box.replaceChildren(runs.length ? table(columns, runs, (r) => 'run status-row-' + r.status) : notice('No agent runs yet.'));
    box.querySelectorAll('tbody tr').forEach((row, index) => { row.dataset.runId = runs[index].id; });
  };
  const show = (error) => box.replaceChildren(notice(error.message, 'error'));
  await load(false).catch(show);
  ctx.every(() => { if (runs.some((r) => GOING.has(r.status))) load(false).catch(show); }, 3000);
}

async function timeline(id, card, ctx) {
  const box = el('div', 'run-timeline');
  card.append(link('← All runs', ctx.hrefHere(), 'back'), box);
  let run;
  const load = async () => {
    run = await ctx.api('GET', '/api/agents/runs/' + encodeURIComponent(id) + ctx.userParam());
    if (ctx.signal.aborted) return;
    box.replaceChildren(...renderRun(run, ctx));
    box.dataset.status = run.status;
  };
  try {
    await load();
  } catch (error) {
    box.replaceChildren(notice(error.status === 404 ? 'No agent run ' + id + ' was found.' : error.message, 'error'));
    return;
  }
  ctx.every(() => { if (run && GOING.has(run.status)) load().catch(() => undefined); }, 2000);
}

function renderRun(run, ctx) {
  const eventLink = (eventId, text) => maybeLink(text || eventId, ctx.linkTo('event', eventId));
  const head = el('div', 'detail-head');
  head.append(el('h3', null, 'Run of ' + run.agent.id), badge(run.status));
  const totals = run.totals || { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const facts = definitions([
    ['Run', el('code', null, run.id)],
    ['Trigger', eventLink(run.trigger.id, run.trigger.type)],
    ['Model', run.agent.model],
    ['Tokens', tokens(totals.inputTokens) + ' in, ' + tokens(totals.outputTokens) + ' out'],
    ['Cost', usd(totals.costUsd)],
    ['Started', time(run.createdAt)],
    ['Took', between(run.createdAt, GOING.has(run.status) ? undefined : run.updatedAt)],
    ['Conversation', run.conversationId],
    ['Error', run.error ? run.error.code + ': ' + run.error.message : undefined],
  ]);
  const steps = el('ol', 'timeline steps');
  for (const step of run.steps) steps.append(renderStep(step, eventLink));
  const parts = [head, facts, el('h4', null, 'Steps'), run.steps.length ? steps : notice('No step yet.')];
  if (run.text !== undefined || run.output !== undefined) parts.push(el('h4', null, 'Answer'), json(run.output !== undefined ? run.output : run.text, 8000));
  return parts;
}

function renderStep(step, eventLink) {
  const li = el('li', 'step');
  li.dataset.step = String(step.index);
  const usage = step.usage;
  const line = [step.model ? step.model + (step.provider ? ' (' + step.provider + ')' : '') : 'waiting for a model',
    usage ? tokens(usage.inputTokens) + ' in / ' + tokens(usage.outputTokens) + ' out' : '',
    usage ? usd(usage.costUsd) : '', step.latencyMs !== undefined ? duration(step.latencyMs) : '',
    step.finishReason ? 'finish: ' + step.finishReason : ''].filter(Boolean).join(' · ');
  const title = el('div', 'step-head');
  title.append(el('strong', null, 'Step ' + (step.index + 1)), ' ', badge(step.status), ' ', el('span', 'step-line', line));
  li.append(title);
  const why = step.selection && step.selection.reason;
  if (why) li.append(el('p', 'why', why));
  const decided = step.record ? decisionText(step.record) : '';
  const request = el('p', 'request');
  request.append('model.request ', eventLink(step.requestId, 'event'), decided ? ' - ' + decided : '');
  li.append(request);
  if (step.toolCalls.length) {
    const calls = el('ul', 'tool-calls');
    for (const call of step.toolCalls) {
      const item = el('li', 'tool-call');
      item.dataset.tool = call.name;
      item.dataset.status = call.status;
      const top = el('div');
      top.append(el('code', null, call.name), ' ', badge(call.status));
      if (call.record) top.append(' ', el('span', 'decision', decisionText(call.record)));
      if (call.eventId) top.append(' ', eventLink(call.eventId, 'event'));
      item.append(top, el('small', null, 'arguments'), json(call.arguments, 4000));
      if (call.error) item.append(el('p', 'error', call.error + (call.replyType ? ' (' + call.replyType + ')' : '')));
      else if (call.result !== undefined) item.append(el('small', null, 'result'), json(call.result, 4000));
      calls.append(item);
    }
    li.append(calls);
  }
  return li;
}

/** What the policy engine said of the event a model request or a tool call became. */
function decisionText(record) {
  const d = record.decision;
  return record.status + (d ? ': ' + (d.verdict || (d.allowed ? 'allow' : 'deny')) + ' - ' + d.reason : '');
}
`;
