/**
 * A real IMAP server for tests: Dovecot (Debian's `dovecot-imapd`, which .ci/run installs)
 * started on loopback with a config in a temp folder, plain-text login, Maildir storage owned by
 * nobody/nogroup. Missing Dovecot: tests that need it skip locally with a message, and fail in CI
 * (`CI=true`), where it must be there.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './local-host-process.js';

export interface Dovecot {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** The dovecot binary, or undefined when it is not installed. */
export function dovecotBinary(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v dovecot'], { encoding: 'utf8' });
  const onPath = which.stdout.trim();
  if (which.status === 0 && onPath !== '') return onPath;
  return existsSync('/usr/sbin/dovecot') ? '/usr/sbin/dovecot' : undefined;
}

/** Whether a suite needing Dovecot should be skipped: only outside CI, and it says why. */
export function skipWithoutDovecot(): boolean {
  if (dovecotBinary() !== undefined) return false;
  if (process.env['CI'] === 'true') throw new Error('Dovecot is not installed (apt-get install -y dovecot-imapd): the IMAP tests need it in CI');
  process.stderr.write('# skipping the IMAP tests: Dovecot is not installed (apt-get install -y dovecot-imapd)\n');
  return true;
}

export interface DovecotOptions {
  /** Replaces the capabilities announced after login (e.g. without IDLE, to test polling). */
  capabilities?: string;
}

export async function startDovecot(users: Record<string, string>, options: DovecotOptions = {}): Promise<Dovecot> {
  const binary = dovecotBinary();
  if (binary === undefined) throw new Error('Dovecot is not installed (apt-get install -y dovecot-imapd)');
  const dir = mkdtempSync(join(tmpdir(), 'vextir-dovecot-'));
  chmodSync(dir, 0o755); // Dovecot's auth process (user dovecot) reads the users file in it
  const port = await freePort();
  const mail = join(dir, 'mail');
  mkdirSync(mail);
  // Mail is read and written as nobody: the folder must be theirs (chown needs root, which the
  // CI runs as; a non-root user runs Dovecot's mail processes as itself instead).
  const root = userInfo().uid === 0;
  if (root) chownSync(mail, 65534, 65534);
  writeFileSync(join(dir, 'users'), Object.entries(users).map(([user, password]) => `${user}:{PLAIN}${password}::::::\n`).join(''));
  const mailUser = root ? 'uid=nobody gid=nogroup' : `uid=${userInfo().uid} gid=${userInfo().gid}`;
  writeFileSync(
    join(dir, 'dovecot.conf'),
    [
      'protocols = imap',
      'listen = 127.0.0.1',
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      `base_dir = ${join(dir, 'run')}`,
      `state_dir = ${join(dir, 'state')}`,
      `log_path = ${join(dir, 'dovecot.log')}`,
      'first_valid_uid = 1',
      'mail_location = maildir:~/Maildir',
      ...(options.capabilities === undefined ? [] : [`imap_capability = ${options.capabilities}`]),
      `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ${join(dir, 'users')}\n}`,
      `userdb {\n  driver = static\n  args = ${mailUser} home=${mail}/%u\n}`,
      `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(binary, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Dovecot did not start on port ${port}: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    host: '127.0.0.1',
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      if (process.env['KEEP_DOVECOT'] === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
