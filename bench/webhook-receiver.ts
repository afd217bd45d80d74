/**
 * A webhook receiver in a process of its own (so its work does not weigh on the sender under
 * measurement): answers every POST with 200 once the body is read, and counts them. It reports
 * its URL to the parent, answers `{count: true}` with the number received, and runs until
 * disconnected.
 */
import { createServer } from 'node:http';

let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received += 1;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ url: `http://127.0.0.1:${port}` });
});
process.on('message', () => process.send?.({ count: received }));
process.on('disconnect', () => server.close());
