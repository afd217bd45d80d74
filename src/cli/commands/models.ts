/**
 * `vextir models` (the model registry: provider, prices, context, capabilities, whether each can
 * be called) and `vextir usage` (your counters, and tokens and cost per model today and this
 * month). Both read the HTTP API; `--json` prints its answer as is.
 */
import type { Client } from '../client.js';

interface ModelView {
  id: string;
  provider: string;
  model: string;
  capabilities: string[];
  contextWindow: number;
  price: { inputPerMTok: number; outputPerMTok: number; cachedInputPerMTok?: number };
  available: boolean;
  unavailableReason?: string;
}

interface ModelTotals {
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
}

interface UsageView {
  user: string;
  at: string;
  usage: { events_per_minute: number; events_per_hour: number; events_per_day: number; tokens_today: number; tokens_month: number; cost_today: number; cost_month: number };
  models: { day: string; month: string; today: ModelTotals[]; thisMonth: ModelTotals[] };
}

const write = (line: string): void => void process.stdout.write(`${line}\n`);

export async function modelsCommand(client: Client, asJson: boolean): Promise<void> {
  const { models } = await client.json<{ models: ModelView[] }>('GET', '/api/models');
  if (asJson) return write(JSON.stringify({ models }, null, 2));
  // Callable models first, cheapest first, as selection would rank them.
  const ordered = [...models].sort((a, b) => Number(b.available) - Number(a.available) || a.price.inputPerMTok + a.price.outputPerMTok - (b.price.inputPerMTok + b.price.outputPerMTok) || a.id.localeCompare(b.id));
  write(`${'model'.padEnd(26)} ${'provider'.padEnd(17)} ${'in $/M'.padStart(7)} ${'out $/M'.padStart(8)} ${'context'.padStart(9)}  capabilities / availability`);
  for (const m of ordered) {
    const state = m.available ? m.capabilities.join(',') : `unavailable: ${m.unavailableReason ?? 'unknown'}`;
    write(`${m.id.padEnd(26)} ${m.provider.padEnd(17)} ${money(m.price.inputPerMTok).padStart(7)} ${money(m.price.outputPerMTok).padStart(8)} ${String(m.contextWindow).padStart(9)}  ${state}`);
  }
  const available = models.filter((m) => m.available).length;
  write(`${available} of ${models.length} models available`);
}

export async function usageCommand(client: Client, asJson: boolean): Promise<void> {
  const view = await client.json<UsageView>('GET', '/api/usage');
  if (asJson) return write(JSON.stringify(view, null, 2));
  const { usage, models } = view;
  write(`usage of ${view.user} at ${view.at}`);
  write(`  events  ${usage.events_per_minute.toFixed(1)}/min  ${usage.events_per_hour.toFixed(1)}/h  ${usage.events_per_day.toFixed(1)}/day`);
  write(`  tokens  today ${usage.tokens_today}  this month ${usage.tokens_month}`);
  write(`  cost    today $${usage.cost_today.toFixed(4)}  this month $${usage.cost_month.toFixed(4)}`);
  table(`per model today (${models.day})`, models.today);
  table(`per model this month (${models.month})`, models.thisMonth);
}

function table(title: string, rows: readonly ModelTotals[]): void {
  write(title);
  if (rows.length === 0) return write('  (no model calls)');
  write(`  ${'model'.padEnd(26)} ${'calls'.padStart(6)} ${'input'.padStart(10)} ${'cached'.padStart(10)} ${'output'.padStart(10)} ${'cost $'.padStart(10)}`);
  for (const row of rows) {
    write(`  ${row.model.padEnd(26)} ${String(row.calls).padStart(6)} ${String(row.inputTokens).padStart(10)} ${String(row.cachedInputTokens).padStart(10)} ${String(row.outputTokens).padStart(10)} ${row.costUsd.toFixed(6).padStart(10)}`);
  }
}

function money(usdPerMTok: number): string {
  return usdPerMTok < 0.1 ? usdPerMTok.toFixed(3) : usdPerMTok.toFixed(2);
}
