/**
 * Planning, shared by `create` and `add` (docs/ARCHITECTURE.md, "Flow"): the new render compared with the disk, file
 * by file, as one list of steps. Nothing is written here; src/engine/apply.ts writes a plan as one transaction.
 */
import { stat } from 'node:fs/promises';
import type { Answers } from '../answers.js';
import { envStep } from './env.js';
import { buildManifest, hash, MANIFEST, serializeManifest } from './manifest.js';
import { mergeFile, type Cause } from './merge.js';
import { readIfExists, safeJoin } from './paths.js';
import type { FileTree } from './render.js';

/**
 * What happens to one file: create/update/unchanged compare a render with the disk; merge/keep/conflict come from
 * the three-way merge (src/engine/merge.ts); delete is `remove`'s only, for a file the removed features generated
 * and nobody edited since.
 */
export type Action = 'create' | 'update' | 'unchanged' | 'merge' | 'keep' | 'conflict' | 'delete';

export interface PlanEntry {
  path: string;
  action: Action;
  /** What the file will contain; for keep/unchanged, what it contains now. */
  content: string;
  /** The file on disk before, when there is one. */
  previous?: string;
  /** Why, when the action needs explaining (e.g. "deleted by you; stays deleted"). */
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

/** One file that only we write (the manifest): create when it is not on disk, else update or unchanged. */
export function compare(rel: string, content: string, previous: string | undefined): PlanEntry {
  if (previous === undefined) return { path: rel, action: 'create', content };
  return { path: rel, action: previous === content ? 'unchanged' : 'update', content, previous };
}

export interface Change {
  /** The answers after this run; recorded in the manifest. */
  answers: Answers;
  /** render(answers). */
  theirs: FileTree;
  /** render(the recorded answers), for a project that exists (`add`); absent for a new one (`create`). */
  base?: FileTree;
  /** The hash of every file as last generated, from the manifest on disk. */
  recorded?: Readonly<Record<string, string>>;
  /** What changed theirs from base, named in the notes: new features (`add`, the default) or new templates (`upgrade`). */
  cause?: Cause;
  /**
   * `remove`: a file base has and theirs does not is deleted when nobody edited it (it equals base or its recorded
   * hash), and kept, with a note, otherwise. Without it such a file is left alone (`upgrade` names it).
   */
  deletes?: boolean;
}

/** Every rendered file's step, decided by the three-way rules of src/engine/merge.ts against the disk. */
export async function planFiles(root: string, change: Omit<Change, 'answers'>): Promise<Plan> {
  return filesOf(await reader(root), change);
}

async function filesOf(read: Reader, change: Omit<Change, 'answers'>): Promise<Plan> {
  const steps = await Promise.all(
    Object.entries(change.theirs).map(async ([rel, theirs]) =>
      mergeFile({
        path: rel,
        base: change.base?.[rel],
        theirs,
        ours: await read(rel),
        recorded: change.recorded?.[rel],
        cause: change.cause,
      }),
    ),
  );
  if (!change.deletes || !change.base) return steps;
  const gone = Object.entries(change.base).filter(([rel]) => !(rel in change.theirs));
  for (const [rel, base] of gone.sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ours = await read(rel);
    if (ours === undefined) continue;
    const untouched = ours === base || (change.recorded?.[rel] !== undefined && hash(ours) === change.recorded[rel]);
    steps.push(
      untouched
        ? { path: rel, action: 'delete', content: '', previous: ours }
        : {
            path: rel,
            action: 'keep',
            content: ours,
            previous: ours,
            note: 'edited by you; no longer generated, kept',
          },
    );
  }
  return steps;
}

/** The whole change as one plan: every rendered file, then .env, then the manifest. */
export async function planProject(root: string, change: Change): Promise<Plan> {
  const read = await reader(root);
  const steps = await filesOf(read, change);
  const env = envStep(
    await read('.env'),
    change.base?.['.env.example'],
    change.theirs['.env.example'],
    change.base === undefined,
  );
  if (env) steps.push(env);
  steps.push(compare(MANIFEST, serializeManifest(buildManifest(change.answers, change.theirs)), await read(MANIFEST)));
  return steps;
}

type Reader = (rel: string) => Promise<string | undefined>;

/** Reads a project's file by its relative path; a directory that does not exist yet holds nothing to read. */
async function reader(root: string): Promise<Reader> {
  const exists = (await stat(root).catch(() => undefined)) !== undefined;
  return async (rel) => {
    const file = safeJoin(root, rel); // refuses a path outside the project, for a new one too
    return exists ? readIfExists(file) : undefined;
  };
}
