import { PassThrough, Writable } from 'node:stream';
import { OPTIONS, type OptionId } from '../../src/features.js';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.js';
import { confirmNonEmpty, createPrompter } from '../../src/prompts.js';

const DOWN = '\x1b[B';
const ENTER = '\r';
const CTRL_C = '\x03';

/** clack driven by keystrokes through mock TTY streams. */
function terminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  let screen = '';
  const output = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        screen += String(chunk);
        cb();
      },
    }),
    { isTTY: true, columns: 100, rows: 40 },
  );
  const type = (...keys: string[]) => setTimeout(() => keys.forEach((k) => input.write(k)), 20);
  return { streams: { input, output }, type, screen: () => screen };
}

const option = (id: OptionId) => OPTIONS.find((o) => o.id === id)!;

describe('prompt flows (keystrokes)', () => {
  it('select: arrow down + enter picks the second transport', async () => {
    const t = terminal();
    const answer = createPrompter(t.streams).transport('both');
    t.type(DOWN, ENTER);
    expect(await answer).toBe('http');
    expect(t.screen()).toContain('Which transport?');
  });

  it('multiselect: space toggles the first feature off', async () => {
    const t = terminal();
    const answer = createPrompter(t.streams).features(['cache', 'logging'], ['cache', 'logging']);
    t.type(' ', ENTER);
    expect(await answer).toEqual(['logging']);
  });

  it('text: enter accepts the default directory', async () => {
    const t = terminal();
    const answer = createPrompter(t.streams).directory('mcp-server');
    t.type(ENTER);
    expect(await answer).toBe('mcp-server');
  });

  it('the store question names the features it is for; enter keeps the default', async () => {
    const t = terminal();
    const answer = createPrompter(t.streams).option(option('store'), 'redis', ['cache', 'ratelimit']);
    t.type(ENTER);
    expect(await answer).toBe('redis');
    expect(t.screen()).toContain('Where should cache and ratelimit keep their state?');
  });

  it('Ctrl-C cancels with exit code 130', async () => {
    const t = terminal();
    const answer = createPrompter(t.streams).option(option('auth'), 'apikey', ['auth']);
    t.type(CTRL_C);
    const err = await answer.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(130);
  });

  it('the non-empty directory question says what going on does, and defaults to Cancel', async () => {
    const t = terminal();
    const answer = confirmNonEmpty('/tmp/x', t.streams);
    t.type(ENTER);
    expect(await answer).toBe(false);
    expect(t.screen()).toContain('conflict markers');
    const t2 = terminal();
    const yes = confirmNonEmpty('/tmp/x', t2.streams);
    t2.type(DOWN, ENTER);
    expect(await yes).toBe(true);
  });
});
