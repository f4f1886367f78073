import { existsSync, realpathSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError, usageError } from '../errors.js';

/**
 * Joins a generated relative path onto the project root and refuses anything that would land outside it:
 * absolute paths, `..` segments, or an existing symlinked folder that points elsewhere.
 */
export function safeJoin(root: string, rel: string): string {
  const parts = rel.split('/');
  if (path.isAbsolute(rel) || rel.includes('\\') || parts.some((p) => p === '..' || p === '.' || p === '')) {
    throw new CliError(`Refusing to write "${rel}": it is not a plain path inside the project.`);
  }
  const full = path.join(root, ...parts);
  const realRoot = realOrSelf(root);
  // Walk up to the nearest existing ancestor and make sure it resolves inside the root.
  let probe = path.dirname(full);
  while (probe.startsWith(root) && probe !== root) {
    const real = realOrUndefined(probe);
    if (real !== undefined) {
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
        throw new CliError(`Refusing to write "${rel}": ${path.relative(root, probe)} points outside the project.`);
      }
      break;
    }
    probe = path.dirname(probe);
  }
  return full;
}

/** The resolved path, or undefined when there is nothing there (checked first: a thrown ENOENT costs more). */
function realOrUndefined(p: string): string | undefined {
  if (!existsSync(p)) return undefined;
  try {
    return realpathSync.native(p);
  } catch {
    return undefined;
  }
}

function realOrSelf(p: string): string {
  return realOrUndefined(p) ?? p;
}

/** A file's text, or undefined when there is no such file. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Files that do not make a directory "non-empty" (create-vite treats a lone .git the same way). */
const IGNORABLE = new Set(['.git', '.DS_Store', 'Thumbs.db']);

/** What a project directory already holds, ignoring the above; none when it does not exist yet. */
export async function existingEntries(dir: string): Promise<string[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) return [];
  if (!info.isDirectory()) throw usageError(`${dir} exists and is not a directory.`, 'Pick another project directory.');
  return (await readdir(dir)).filter((e) => !IGNORABLE.has(e));
}
