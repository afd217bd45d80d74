/**
 * A model that answers at once, in the OpenAI chat-completions wire format, in a process of its
 * own (so its work does not weigh on the system under measurement): it asks for the
 * `context_read` tool until the conversation holds `STEPS - 1` tool results, then answers. Both
 * the agent loop through Vextir and the same loop run directly with the AI SDK talk to it.
 * The parent sends nothing; the child reports its URL and runs until disconnected.
 */
import { createServer } from 'node:http';

const STEPS = Number(process.env['BENCH_AGENT_STEPS'] ?? 4);
let calls = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages: Array<{ role: string }> };
    const results = body.messages.filter((message) => message.role === 'tool').length;
    calls += 1;
    const message =
      results < STEPS - 1
        ? { role: 'assistant', content: null, tool_calls: [{ id: `call_${calls}`, type: 'function', function: { name: 'context_read', arguments: JSON.stringify({ path: '/Bench/notes' }) } }] }
        : { role: 'assistant', content: 'done' };
    const answer = JSON.stringify({
      id: `cmpl-${calls}`,
      object: 'chat.completion',
      created: 0,
      model: 'gpt-4.1-mini',
      choices: [{ index: 0, message, finish_reason: results < STEPS - 1 ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1` });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
