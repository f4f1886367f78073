import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cancelled, CliError } from '../errors.js';
import { safeJoin } from './paths.js';
import { writes, type Plan } from './plan.js';

export interface ApplyOptions {
  force?: boolean;
  /** Test hook: throw an I/O error after this many files have been moved into place. */
  faultAfter?: number;
}

/** Test-only fault injection (CREATE_MCP_PROD_FAULT_AFTER): an I/O failure after this many files were moved. */
export function faultAfterFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.CREATE_MCP_PROD_FAULT_AFTER;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new CliError('CREATE_MCP_PROD_FAULT_AFTER must be a whole number.');
  return n;
}

interface Undo {
  dest: string;
  backup?: string;
}

/**
 * Writes a plan as one transaction (docs/ARCHITECTURE.md, "Flow"): every file is first written into a staging
 * folder beside the project, then moved into place with rename(); replaced and deleted files are kept in the
 * staging folder until the end. A failure or Ctrl-C at any point restores the project as it was and removes the staging folder.
 */
export async function apply(root: string, entries: Plan, options: ApplyOptions = {}): Promise<string[]> {
  const todo = entries.filter((e) => writes(e, options.force));
  if (todo.length === 0) return [];

  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const check = () => {
    if (interrupted) throw cancelled();
  };

  const staging = path.join(path.dirname(root), `.${path.basename(root)}.mcp-prod-${randomBytes(4).toString('hex')}`);
  const undo: Undo[] = [];
  const madeDirs: string[] = [];
  const rootExisted = await exists(root);
  try {
    if (!rootExisted) {
      // A new project: the staging folder is the whole tree, moved into place with one rename.
      await writeTree(staging, todo);
      check();
      if (options.faultAfter !== undefined) throw new CliError(`Simulated I/O failure while writing ${root}.`);
      await mkdir(path.dirname(root), { recursive: true });
      await rename(staging, root);
      return todo.map((e) => e.path);
    }
    await mkdir(path.join(staging, 'new'), { recursive: true });
    await mkdir(path.join(staging, 'old'), { recursive: true });
    await Promise.all(
      todo.map((e, i) =>
        e.action === 'delete' ? undefined : writeFile(path.join(staging, 'new', String(i)), e.content),
      ),
    );
    check();
    for (const [i, e] of todo.entries()) {
      check();
      if (options.faultAfter !== undefined && i >= options.faultAfter) {
        throw new CliError(`Simulated I/O failure while writing ${e.path}.`);
      }
      const dest = safeJoin(root, e.path);
      await mkdirs(path.dirname(dest), root, madeDirs);
      const step: Undo = { dest };
      if (await exists(dest)) {
        step.backup = path.join(staging, 'old', String(i));
        await rename(dest, step.backup);
      }
      undo.push(step);
      if (e.action !== 'delete') await rename(path.join(staging, 'new', String(i)), dest);
    }
  } catch (err) {
    await rollback(undo, madeDirs);
    throw err instanceof CliError
      ? err
      : new CliError(`Could not write the project: ${(err as Error).message}`, {
          hint: 'Nothing was changed. Fix the cause above and run the command again.',
          cause: err,
        });
  } finally {
    process.off('SIGINT', onSigint);
    await rm(staging, { recursive: true, force: true });
  }
  // A folder that held only deleted files goes too, as it would not exist in a project made without them.
  for (const e of todo.filter((t) => t.action === 'delete')) await removeEmptyParents(root, safeJoin(root, e.path));
  return todo.map((e) => e.path);
}

async function removeEmptyParents(root: string, file: string): Promise<void> {
  for (let dir = path.dirname(file); dir !== root && dir.startsWith(root); dir = path.dirname(dir)) {
    if (
      !(await rmdir(dir).then(
        () => true,
        () => false,
      ))
    )
      return;
  }
}

/** Writes the files of a plan under `dir`, folders first, files in parallel. */
async function writeTree(dir: string, todo: Plan): Promise<void> {
  const files = todo.map((e) => ({ file: safeJoin(dir, e.path), content: e.content }));
  const dirs = [...new Set(files.map((f) => path.dirname(f.file)))];
  await Promise.all(dirs.map((d) => mkdir(d, { recursive: true })));
  await Promise.all(files.map((f) => writeFile(f.file, f.content)));
}

async function rollback(undo: Undo[], madeDirs: string[]): Promise<void> {
  for (const step of undo.reverse()) {
    await rm(step.dest, { force: true });
    if (step.backup) await rename(step.backup, step.dest);
  }
  for (const dir of madeDirs.reverse()) await rmdir(dir).catch(() => undefined);
}

async function mkdirs(dir: string, root: string, made: string[]): Promise<void> {
  if (dir === root || (await exists(dir))) return;
  await mkdirs(path.dirname(dir), root, made);
  await mkdir(dir);
  made.push(dir);
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}
