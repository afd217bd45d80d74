/** The contract's messages and tools in the AI SDK's shapes. */
import type { ModelMessage as SdkMessage, ToolSet } from 'ai';
import type { ModelMessage, ModelTool } from './contract.js';
import type { Sdk } from './sdk.js';

export function toSdkMessages(messages: readonly ModelMessage[]): SdkMessage[] {
  return messages.map((message): SdkMessage => {
    switch (message.role) {
      case 'system':
      case 'user':
        return { role: message.role, content: message.content };
      case 'assistant': {
        const text = message.content ? [{ type: 'text' as const, text: message.content }] : [];
        const calls = (message.toolCalls ?? []).map((call) => ({ type: 'tool-call' as const, toolCallId: call.id, toolName: call.name, input: call.arguments }));
        return { role: 'assistant', content: [...text, ...calls] };
      }
      case 'tool':
        return {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: message.toolCallId,
              toolName: message.name,
              output: message.isError ? { type: 'error-text', value: message.content } : { type: 'text', value: message.content },
            },
          ],
        };
    }
  });
}

/**
 * Tools without `execute`: the SDK reports the calls the model asks for and stops there. The
 * runtime runs tools as events and sends their results back in the next request.
 */
export function toSdkTools(sdk: Sdk, tools: readonly ModelTool[]): ToolSet {
  return Object.fromEntries(tools.map((tool) => [tool.name, sdk.ai.tool({ description: tool.description, inputSchema: sdk.ai.jsonSchema(tool.inputSchema) })]));
}
