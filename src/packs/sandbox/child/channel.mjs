// @ts-check
// The child's end of the protocol (docs/pack-sandbox.md): newline-delimited JSON over the pipe
// the host opened as file descriptor 3. Plain JavaScript without dependencies, because Node loads
// it under the permission model, which lets the child read nothing of the host's but this folder.
import net from 'node:net';

/**
 * @param {number} fd
 * @param {(message: Record<string, unknown>) => void} onMessage
 * @param {() => void} onClose
 */
export function openChannel(fd, onMessage, onClose) {
  const socket = new net.Socket({ fd, readable: true, writable: true });
  socket.setEncoding('utf8');
  socket.setNoDelay?.(true);
  let buffered = '';
  socket.on('data', (/** @type {string} */ chunk) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      // The host is trusted: a line it wrote is a message of the protocol.
      if (line.length > 0) onMessage(JSON.parse(line));
      newline = buffered.indexOf('\n');
    }
  });
  socket.on('close', onClose);
  socket.on('error', () => undefined);
  return {
    /** @param {Record<string, unknown>} message */
    send(message) {
      socket.write(`${JSON.stringify(message)}\n`);
    },
  };
}
