import { readFile, stat } from 'node:fs/promises';
import type { FileTree } from './render.js';
import { safeJoin } from './paths.js';

/**
 * What happens to one file. create/update/unchanged come from comparing a render with the disk; merge/keep/conflict
 * come from `add`'s three-way merge (src/engine/merge.ts), and so does delete: a file the new answers no longer
 * generate, removed only when the user never edited it.
 */
export type Action = 'create' | 'update' | 'unchanged' | 'merge' | 'keep' | 'conflict' | 'delete';

export interface PlanEntry {
  path: string;
  action: Action;
  /** What the file will contain; for keep/unchanged, what it contains now. */
  content: string;
  /** The file on disk before, when there is one. */
  previous?: string;
  /** Why, when the action needs explaining (e.g. "deleted by you; needed by cache"). */
  note?: string;
}

export type Plan = PlanEntry[];

/** Actions that write to the disk. A conflict is written only with --force (markers, as git does). */
export function writes(entry: PlanEntry, force = false): boolean {
  return (
    entry.action === 'create' ||
    entry.action === 'update' ||
    entry.action === 'merge' ||
    entry.action === 'delete' ||
    (force && entry.action === 'conflict')
  );
}

export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** One file's step: create when it is not on disk, else update or unchanged. */
export function compare(rel: string, content: string, previous: string | undefined): PlanEntry {
  if (previous === undefined) return { path: rel, action: 'create', content };
  return { path: rel, action: previous === content ? 'unchanged' : 'update', content, previous };
}

/** Compares a render with the disk: each file is create, update or unchanged. */
export async function plan(root: string, tree: FileTree): Promise<Plan> {
  // A directory that does not exist yet holds nothing to compare with.
  const fresh = (await stat(root).catch(() => undefined)) === undefined;
  return Promise.all(
    Object.entries(tree).map(async ([rel, content]) => {
      const file = safeJoin(root, rel); // refuses a path outside the project, for a new one too
      return compare(rel, content, fresh ? undefined : await readIfExists(file));
    }),
  );
}
