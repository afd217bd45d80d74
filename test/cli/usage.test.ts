/** `vextir --help` names every option the command line takes, and each command's own help is its part. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { CONTEXT_USAGE } from '../../src/cli/commands/context.js';
import { commandHelp, OPTIONS, USAGE } from '../../src/cli/usage.js';

describe('vextir --help', () => {
  it('documents every option', () => {
    const undocumented = Object.keys(OPTIONS).filter((name) => !`${USAGE}\n${CONTEXT_USAGE}`.includes(`--${name}`));
    assert.deepEqual(undocumented, []);
  });

  it('vextir <command> --help: the command forms with their descriptions, and the server options', () => {
    const dlq = commandHelp('dlq');
    assert.match(dlq, /^ {2}vextir dlq ls /m);
    assert.match(dlq, /^ {2}vextir dlq replay <messageId>\.\.\. \| --all/m);
    assert.match(dlq, /--all: every one `dlq ls` lists/);
    assert.match(dlq, /--token <jwt>/);
    assert.ok(!dlq.includes('vextir context'));
    assert.ok(!commandHelp('token').includes('--url <url>'), 'token talks to no server');
    assert.equal(commandHelp('no-such-command'), USAGE);
  });

  it('every command in USAGE has its own help', () => {
    const commands = new Set([...USAGE.matchAll(/^ {2}vextir ([a-z]+)/gm)].map((match) => match[1] ?? ''));
    assert.ok(commands.size >= 18, [...commands].join(' '));
    for (const command of commands) assert.notEqual(commandHelp(command), USAGE, command);
  });
});
