import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, removeDir, snapshot, tempDir } from '../helpers.js';

// Real interactive runs in a pseudo-terminal (util-linux `script`), driven by keystrokes that are sent only once
// the question they answer is on screen.
const ENTER = '\r';
const CTRL_C = '\x03';
const DOWN = '\x1b[B';

const count = (text: string, part: string) => text.split(part).length - 1;

/** PIDs of the processes whose working directory is `dir` or inside it (Linux /proc). */
async function processesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(pid);
  }
  return found;
}

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
    await s.waitFor('What will run the server?');
    s.type(ENTER);
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

  it('Ctrl-C at a question exits 130, writes nothing and says so once', async () => {
    const before = await snapshot(work);
    const s = pty(['cancelled-app', '--no-install', '--no-git'], work);
    await s.waitFor('What will run the server?');
    s.type(CTRL_C);
    expect(await s.exit).toBe(130);
    expect(await snapshot(work)).toEqual(before);
    expect(count(s.screen(), 'Cancelled. Nothing was written.')).toBe(1);
  });

  it('Ctrl-C at a question of add exits 130, writes nothing and says so once', async () => {
    const made = await cli(['grow-cancel', '-y', '-t', 'http', '-f', 'tests', '--no-install', '--no-git'], {
      cwd: work,
    });
    expect(made.exitCode, made.stderr).toBe(0);
    const before = await snapshot(path.join(work, 'grow-cancel'));
    const s = pty(['add', 'cache', '--cwd', 'grow-cancel', '--no-install'], work);
    await s.waitFor('Where should cache keep its state?');
    s.type(CTRL_C);
    expect(await s.exit).toBe(130);
    expect(await snapshot(path.join(work, 'grow-cancel'))).toEqual(before);
    expect(count(s.screen(), 'Cancelled. Nothing was written.')).toBe(1);
  });

  it('Ctrl-C during the install exits 130, stops the package manager, keeps the project and prints how to finish', async () => {
    const dir = path.join(work, 'install-cancel');
    const s = pty(['install-cancel', '-y', '-t', 'stdio', '-f', '', '--no-git'], work);
    await s.waitFor('Installing dependencies with npm install');
    // Let npm get going (resolving, fetching) before the interrupt.
    await sleep(1500);
    expect((await processesIn(dir)).length, 'npm should be running in the project').toBeGreaterThan(0);
    s.type(CTRL_C);
    expect(await s.exit, s.screen()).toBe(130);
    expect(s.screen()).toContain('Install cancelled');
    expect(s.screen()).toContain('cd install-cancel && npm install');
    expect(s.screen()).not.toContain('Nothing was written');
    expect(existsSync(path.join(dir, 'package.json'))).toBe(true);
    expect(existsSync(path.join(dir, '.mcp-prod.json'))).toBe(true);
    // Nothing the install started is left running in the project.
    let left = await processesIn(dir);
    for (let i = 0; i < 20 && left.length > 0; i++) left = await sleep(250).then(() => processesIn(dir));
    expect(left).toEqual([]);
  });

  it('asks about a non-empty directory first; the reproduce command keeps --no-install, --no-git and --force', async () => {
    const dir = path.join(work, 'busy-go');
    await mkdir(dir);
    await writeFile(path.join(dir, 'notes.txt'), 'mine\n');
    const s = pty(['--no-install', '--no-git'], work);
    await s.waitFor('Where should the project go?');
    s.type(`busy-go${ENTER}`);
    await s.waitFor('is not empty');
    expect(s.screen()).not.toContain('Which transport?');
    s.type(`${DOWN}${ENTER}`);
    await s.waitFor('What will run the server?');
    s.type(ENTER);
    await s.waitFor('Which transport?');
    s.type(ENTER);
    await s.waitFor('Which production features?');
    s.type(ENTER);
    await s.waitFor('How do clients authenticate?');
    s.type(ENTER);
    await s.waitFor('Where should cache and ratelimit keep their state?');
    s.type(ENTER);
    expect(await s.exit).toBe(0);
    const reproduce = /npx create-mcp-prod (busy-go .*--yes)/.exec(s.screen())?.[1];
    expect(reproduce).toBeDefined();
    const args = reproduce!.split(' ');
    expect(args).toEqual(expect.arrayContaining(['--no-install', '--no-git', '--force']));

    // Rerun verbatim, without a TTY, in another folder where the directory is not empty either.
    const again = path.join(work, 'busy-again');
    await mkdir(path.join(again, 'busy-go'), { recursive: true });
    await writeFile(path.join(again, 'busy-go', 'notes.txt'), 'mine\n');
    const r = await cli(args, { cwd: again });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(again, 'busy-go', 'node_modules'))).toBe(false);
    expect(existsSync(path.join(again, 'busy-go', '.git'))).toBe(false);
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

  describe('add tool on a terminal', () => {
    const TOOL_ARGS = ['-y', '-t', 'http', '-f', 'cache,tests', '--no-install', '--no-git'];
    const make = async (name: string) => {
      const made = await cli([name, ...TOOL_ARGS], { cwd: work });
      expect(made.exitCode, made.stderr).toBe(0);
      return path.join(work, name);
    };
    /** What the same tool gives when every answer is a flag, in a twin project: the pty run must equal it. */
    const scripted = async (project: string, args: string[]) => {
      const twin = await make(`${path.basename(project)}-scripted`);
      const r = await cli(['add', 'tool', ...args, '--cwd', twin]);
      expect(r.exitCode, r.stderr).toBe(0);
      return snapshot(twin);
    };
    const without = (tree: Record<string, string>, drop: string[]) =>
      Object.fromEntries(Object.entries(tree).filter(([file]) => !drop.includes(file)));

    it('asks the description and the options (read-only, cached) and writes what the flags would', async () => {
      const dir = await make('tool-cached');
      const before = await snapshot(dir);
      const s = pty(['add', 'tool', 'lookup_city', '--cwd', 'tool-cached'], work);
      await s.waitFor('What does the tool lookup_city do?');
      s.type(`Looks up a city by name.${ENTER}`);
      await s.waitFor('Does it call the upstream API');
      s.type(ENTER); // the default: no
      await s.waitFor('Is it read-only');
      s.type('y');
      await s.waitFor('Cache its results?');
      s.type('y');
      expect(await s.exit, s.screen()).toBe(0);
      expect(s.screen()).not.toContain('Can it destroy or overwrite data?'); // a read-only tool is not asked
      expect(s.screen()).toContain('Added the tool lookup_city to tool-cached');

      const after = await snapshot(dir);
      const tool = after['src/tools/lookup-city.ts']!;
      expect(tool).toContain("name: 'lookup_city'");
      expect(tool).toContain('Looks up a city by name.');
      expect(tool).toMatch(/readOnlyHint: true/);
      expect(tool).toMatch(/^ {2}cache: true,$/m);
      expect(tool).not.toContain('upstream');
      expect(after['test/tools/lookup-city.test.ts']).toContain('lookup_city');
      expect(after['src/tools/index.ts']).toContain("import { lookupCity } from './lookup-city.js';");
      // Nothing else changed but the manifest, which records the tool, and the files are byte for byte those of the
      // scripted run.
      const added = ['src/tools/lookup-city.ts', 'test/tools/lookup-city.test.ts', 'src/tools/index.ts'];
      expect(without(after, [...added, '.mcp-prod.json'])).toEqual(without(before, [...added, '.mcp-prod.json']));
      const twin = await scripted(dir, [
        'lookup_city',
        '--description',
        'Looks up a city by name.',
        '--read-only',
        '--cache',
      ]);
      for (const file of added) expect(after[file], file).toBe(twin[file]);
      const items = (tree: Record<string, string>) => JSON.parse(tree['.mcp-prod.json']!).answers.items;
      expect(items(after)).toEqual(items(twin));
    });

    it('asks whether a tool that writes can destroy data; an upstream tool', async () => {
      const dir = await make('tool-writes');
      const s = pty(['add', 'tool', 'delete_city', '--cwd', 'tool-writes'], work);
      await s.waitFor('What does the tool delete_city do?');
      s.type(`Deletes a city from the upstream.${ENTER}`);
      await s.waitFor('Does it call the upstream API');
      s.type('y');
      await s.waitFor('Is it read-only');
      s.type('n');
      await s.waitFor('Can it destroy or overwrite data?');
      s.type('y');
      expect(await s.exit, s.screen()).toBe(0);
      expect(s.screen()).not.toContain('Cache its results?'); // only a read-only tool can be cached
      const after = await snapshot(dir);
      expect(after['src/tools/delete-city.ts']).toMatch(
        /readOnlyHint: false, destructiveHint: true, openWorldHint: true/,
      );
      expect(after['src/tools/delete-city.ts']).toContain('services.upstream.get(');
      const twin = await scripted(dir, [
        'delete_city',
        '--description',
        'Deletes a city from the upstream.',
        '--upstream',
        '--destructive',
      ]);
      for (const file of ['src/tools/delete-city.ts', 'test/tools/delete-city.test.ts', 'src/tools/index.ts'])
        expect(after[file], file).toBe(twin[file]);
    });

    it('Ctrl-C at its first question exits 130, writes nothing and says so once', async () => {
      const dir = await make('tool-cancel');
      const before = await snapshot(dir);
      const s = pty(['add', 'tool', 'weather', '--cwd', 'tool-cancel'], work);
      await s.waitFor('What does the tool weather do?');
      s.type(CTRL_C);
      expect(await s.exit).toBe(130);
      expect(await snapshot(dir)).toEqual(before);
      expect(count(s.screen(), 'Cancelled. Nothing was written.')).toBe(1);
    });
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
