/**
 * The models driver in the kernel (in-memory ports), its providers served by the loopback
 * model servers: `ask(data)` runs one `model.request` through the processor and returns the
 * outcome, the answer event's data and what the driver reported spending.
 */
import type { Authorizer, Outcome, Restrictions, UsageDelta } from '../../../src/kernel/index.js';
import { createModelsDriver, type ModelsDriverOptions } from '../../../src/drivers/models/index.js';
import { createModelRegistry, type ModelEntryInput, type ModelOverride, type ModelProviderSettings } from '../../../src/registries/models/index.js';
import { kernelFixture, makeEvent } from '../../helpers/kernel-fixture.js';
import { startAnthropicServer, startAzureOpenAiServer, startOpenAiServer, type ModelServer } from '../../helpers/model-servers/index.js';

export interface Servers {
  openai: ModelServer;
  anthropic: ModelServer;
  azure: ModelServer;
  close(): Promise<void>;
}

export async function startServers(): Promise<Servers> {
  const [openai, anthropic, azure] = await Promise.all([startOpenAiServer(), startAnthropicServer(), startAzureOpenAiServer()]);
  return { openai, anthropic, azure, close: async () => void (await Promise.all([openai.close(), anthropic.close(), azure.close()])) };
}

export function providerSettings(servers: Servers, overrides: Partial<ModelProviderSettings> = {}): ModelProviderSettings {
  return {
    openai: { apiKey: 'sk-test-openai', baseUrl: servers.openai.url },
    anthropic: { apiKey: 'sk-ant-test', baseUrl: servers.anthropic.url },
    azureOpenAi: { endpoint: servers.azure.url, apiKey: 'azure-test-key', deployments: { 'gpt-4o-mini': 'mini-deployment' } },
    setting: (name) => (name === 'LOCAL_API_KEY' ? 'local-key' : undefined),
    ...overrides,
  };
}

export interface AskResult {
  outcome: Outcome;
  type: string | undefined;
  data: Record<string, unknown>;
  usage: UsageDelta[];
}

export interface AskOptions {
  restrictions?: Restrictions;
  driver?: Omit<ModelsDriverOptions, 'registry'>;
  overrides?: ModelOverride[];
  defaults?: readonly ModelEntryInput[];
  settings?: ModelProviderSettings;
  deliveryCount?: number;
  /** Shut the processor down this long after the request starts (aborts the driver's signal). */
  stopAfterMs?: number;
}

export async function ask(servers: Servers, data: unknown, options: AskOptions = {}): Promise<AskResult> {
  const registry = createModelRegistry({ providers: options.settings ?? providerSettings(servers), ...(options.overrides && { overrides: options.overrides }), ...(options.defaults && { defaults: options.defaults }) });
  const authorizer: Authorizer = {
    name: 'test',
    authorize: async () => ({ decision: { allowed: true, authorizer: 'test', reason: 'test', policies: [], ...(options.restrictions && { restrictions: options.restrictions }) } }),
  };
  const usage: UsageDelta[] = [];
  const { processor } = kernelFixture([createModelsDriver({ registry, ...options.driver })], { authorizer, usage: { add: async (_user, _at, delta) => void usage.push(delta) } });
  if (options.stopAfterMs !== undefined) setTimeout(() => processor.stop(), options.stopAfterMs);
  const outcome = await processor.process(makeEvent({ id: 'req-1', type: 'model.request', data }), { deliveryCount: options.deliveryCount ?? 1 });
  const answer = outcome.kind === 'complete' ? outcome.emissions[0]?.event : undefined;
  return { outcome, type: answer?.type, data: (answer?.data ?? {}) as Record<string, unknown>, usage };
}

export const hello = { model: 'auto', messages: [{ role: 'user', content: 'hello' }] };
