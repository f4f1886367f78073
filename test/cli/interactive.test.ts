import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, removeDir, snapshot, tempDir } from '../helpers.js';

// Real interactive runs in a pseudo-terminal (util-linux `script`), driven by keystrokes that are sent only once
// the question they answer is on screen.
const ENTER = '\r';
const CTRL_C = '\x03';

interface Session {
  waitFor(text: string): Promise<void>;
  type(keys: string): void;
  exit: Promise<number>;
  screen(): string;
}

function pty(args: string[], cwd: string): Session {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
  delete env.CI;
  delete env.NO_COLOR;
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  // A new pty has no size; clack would wrap at every character.
  const child = spawn('script', ['-qfec', `stty cols 120 rows 50; ${command}`, '/dev/null'], {
    cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    screen += chunk.toString();
    const plain = screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    for (const w of [...waiters]) {
      if (plain.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void exit.then(() => clearTimeout(timer));
  return {
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ text, resolve });
        onData(Buffer.alloc(0));
        setTimeout(() => reject(new Error(`"${text}" never appeared. Screen:\n${screen}`)), 20_000);
      }),
    type: (keys) => child.stdin.write(keys),
    exit,
    screen: () => screen.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''),
  };
}

let work: string;
beforeAll(async () => {
  work = await tempDir('cmp-pty-');
});
afterAll(async () => {
  await removeDir(work);
});

describe('interactive (a real pty)', () => {
  it('asks the questions, writes the project and prints the command that reproduces it', async () => {
    const s = pty(['--no-install', '--no-git'], work);
    await s.waitFor('Where should the project go?');
    s.type(`pty-app${ENTER}`);
    await s.waitFor('Which transport?');
    s.type(ENTER);
    await s.waitFor('Which production features?');
    s.type(ENTER);
    await s.waitFor('How do clients authenticate?');
    s.type(ENTER);
    await s.waitFor('Where should cache and ratelimit keep their state?');
    s.type(ENTER);
    expect(await s.exit).toBe(0);
    expect(s.screen()).toContain('To do this again without questions');
    const reproduce = /npx create-mcp-prod (pty-app .*--yes)/.exec(s.screen())?.[1];
    expect(reproduce).toBeDefined();

    // The printed command, run verbatim without a TTY in another folder, makes the same project.
    const again = path.join(work, 'again');
    await mkdir(again);
    const r = await cli([...reproduce!.split(' '), '--no-install', '--no-git'], { cwd: again });
    expect(r.exitCode, r.stderr).toBe(0);
    const withoutSecrets = ({ ['.env']: _env, ...rest }: Record<string, string>) => rest;
    const first = await snapshot(path.join(work, 'pty-app'));
    const second = await snapshot(path.join(again, 'pty-app'));
    expect(withoutSecrets(second)).toEqual(withoutSecrets(first));
  });

  it('Ctrl-C at a question exits 130 and writes nothing', async () => {
    const before = await snapshot(work);
    const s = pty(['cancelled-app', '--no-install', '--no-git'], work);
    await s.waitFor('Which transport?');
    s.type(CTRL_C);
    expect(await s.exit).toBe(130);
    expect(await snapshot(work)).toEqual(before);
  });

  it('a non-empty directory is confirmed with Cancel as the default', async () => {
    const dir = path.join(work, 'busy');
    await mkdir(dir);
    await writeFile(path.join(dir, 'mine.txt'), 'mine\n');
    const before = await snapshot(dir);
    const s = pty(['busy', '-t', 'http', '-f', 'tests', '--no-install', '--no-git'], work);
    await s.waitFor('is not empty');
    s.type(ENTER);
    expect(await s.exit).toBe(130);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('add asks for the store when a feature needs one, defaulting to the recorded answer', async () => {
    const made = await cli(['grow', '-y', '-t', 'http', '-f', 'tests', '--no-install', '--no-git'], { cwd: work });
    expect(made.exitCode, made.stderr).toBe(0);
    const s = pty(['add', 'cache', '--cwd', 'grow', '--no-install'], work);
    await s.waitFor('Where should cache keep its state?');
    s.type(`\x1b[B${ENTER}`);
    expect(await s.exit).toBe(0);
    const manifest = JSON.parse((await snapshot(path.join(work, 'grow')))['.mcp-prod.json']!);
    expect(manifest.answers).toMatchObject({ features: ['cache', 'tests'], store: 'redis' });
  });
});
