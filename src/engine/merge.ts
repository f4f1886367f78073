/**
 * The three-way merge of one file, shared by `create` and `add` (docs/ARCHITECTURE.md, "Merge rules"): base = what
 * the recorded answers render (none for `create`), theirs = what the new answers render, ours = the disk. Pure: no
 * I/O, so every rule below is unit-tested on strings.
 */
import { isDeepStrictEqual } from 'node:util';
import { diff3Merge } from 'node-diff3';
import { KIND_DIRS } from './items.js';
import { hash } from './manifest.js';
import type { PlanEntry } from './plan.js';

/**
 * What makes theirs differ from base, as the notes name it: the features `add` adds, or the templates of the version
 * `upgrade` brings (docs/ARCHITECTURE.md, "Merge rules"). `create` has no base, so it names neither.
 */
export type Cause = 'features' | 'templates' | 'item';

const CHANGED_BY: Record<Cause, string> = {
  features: 'the new features',
  templates: 'the new templates',
  item: 'the new item',
};

/**
 * The index files of tools, resources and prompts (src/engine/items.ts): a list, one entry per line. Where you and the
 * render both only added lines at one place (your tool and the new one), both are kept, yours first, instead of a
 * conflict: the lines of a list do not depend on each other.
 */
const LISTS = new Set(Object.values(KIND_DIRS).map(({ dir }) => `${dir}/index.ts`));

export interface FileVersions {
  path: string;
  /** What changed theirs from base, for the notes; `features` (add) unless given. */
  cause?: Cause;
  /** render(recorded answers); undefined when they do not generate this file, or for a new project. */
  base?: string;
  /** render(new answers). */
  theirs: string;
  /** The file on disk; undefined when it is not there. */
  ours?: string;
  /** Hash of the file as last generated, from .mcp-prod.json. */
  recorded?: string;
}

/** Git's marker lines (`git merge` with the default "merge" conflict style). */
export const MARKER = { ours: '<<<<<<< ours', sep: '=======', theirs: '>>>>>>> theirs' } as const;

export interface TextMerge {
  content: string;
  /** Number of conflicting hunks; content then holds markers. */
  conflicts: number;
}

/** Lines with their terminators, so a missing final newline survives the merge. */
export function lines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

function block(out: string[], chunk: string[]): void {
  out.push(...chunk);
  const last = out[out.length - 1];
  if (last !== undefined && !last.endsWith('\n')) out[out.length - 1] = `${last}\n`;
}

/** Line-based three-way merge (node-diff3, the diff3 algorithm git uses); conflicts are written as git writes them. */
export function mergeText(ours: string, base: string, theirs: string, union = false): TextMerge {
  const out: string[] = [];
  let conflicts = 0;
  for (const region of diff3Merge(lines(ours), lines(base), lines(theirs), { excludeFalseConflicts: true })) {
    if (region.ok) {
      out.push(...region.ok);
      continue;
    }
    // `union` (a list): both sides only inserted lines here; keep both, ours first.
    if (union && region.conflict!.o.length === 0) {
      block(out, region.conflict!.a);
      block(out, region.conflict!.b);
      continue;
    }
    // Lines both sides have at the edges of a conflict are not in conflict: only the rest goes between markers, as
    // git writes it (two unrelated files of the same name often share a title or a first line).
    const { a, b } = region.conflict!;
    let head = 0;
    while (head < a.length && head < b.length && a[head] === b[head]) head++;
    let tail = 0;
    while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail])
      tail++;
    block(out, a.slice(0, head));
    conflicts++;
    block(out, [`${MARKER.ours}\n`]);
    block(out, a.slice(head, a.length - tail));
    block(out, [`${MARKER.sep}\n`]);
    block(out, b.slice(head, b.length - tail));
    block(out, [`${MARKER.theirs}\n`]);
    out.push(...a.slice(a.length - tail));
  }
  return { content: out.join(''), conflicts };
}

export interface JsonMerge {
  content: string;
  /** Key paths both sides changed, where the user's value was kept (e.g. "dependencies.zod"). */
  keptYours: string[];
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Merges JSON by key: what the user did not touch follows theirs (new dependencies and scripts come in, keys we
 * dropped go), what only the user changed is kept, and where both changed one key the user wins. That is the
 * package.json rule: a version range or script you changed is never rewritten (shadcn does the same).
 * Returns undefined when a side is not valid JSON; the caller then merges it as text.
 */
export function mergeJson(ours: string, base: string, theirs: string): JsonMerge | undefined {
  let o: Json, b: Json, t: Json;
  try {
    [o, b, t] = [JSON.parse(ours), JSON.parse(base), JSON.parse(theirs)];
  } catch {
    return undefined;
  }
  const keptYours: string[] = [];
  const merged = mergeValue(o, b, t, '', keptYours);
  const indent = /^[ \t]+(?=")/m.exec(ours)?.[0] ?? '  ';
  const content = `${JSON.stringify(merged, null, indent)}${ours.endsWith('\n') ? '\n' : ''}`;
  return { content, keptYours };
}

function mergeValue(o: Json, b: Json, t: Json, at: string, kept: string[]): Json {
  if (isDeepStrictEqual(o, b)) return t;
  if (isDeepStrictEqual(t, b) || isDeepStrictEqual(o, t)) return o;
  if (isObject(o) && isObject(t) && (b === undefined || isObject(b))) return mergeObject(o, b ?? {}, t, at, kept);
  kept.push(at || '(root)');
  return o;
}

/** Keeps the user's key order; a key that only theirs has goes right after the key it follows in theirs. */
function mergeObject(
  o: Record<string, Json>,
  b: Record<string, Json>,
  t: Record<string, Json>,
  at: string,
  kept: string[],
) {
  const order = Object.keys(o);
  let after = -1;
  for (const key of Object.keys(t)) {
    const i = order.indexOf(key);
    if (i >= 0) after = i;
    else if (!(key in b)) order.splice(++after, 0, key);
  }
  const out: Record<string, Json> = {};
  for (const key of order) {
    const v = mergeValue(o[key], b[key], t[key], at ? `${at}.${key}` : key, kept);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * Decides what happens to one file. Nothing here overwrites a line of the user's or deletes a file:
 * - not on disk -> create, unless the user deleted it: it then stays deleted, with a note;
 * - already equal to theirs -> unchanged;
 * - untouched by the user (disk equals base, or its recorded hash) -> take theirs;
 * - changed only by the user (theirs equals base) -> keep;
 * - changed by both, or a file of the user's where we write one -> merge; overlapping edits -> conflict (content
 *   then holds git-style markers, written only with --force).
 */
export function mergeFile(v: FileVersions): PlanEntry {
  const { path, base, theirs, ours } = v;
  const by = CHANGED_BY[v.cause ?? 'features'];
  if (ours === undefined) {
    if (base === undefined) return { path, action: 'create', content: theirs };
    // A deleted file stays deleted, even when the new render changes it: brought back, it would not be wired in
    // (a tool you removed from src/tools/index.ts), and tests would depend on it (docs/ARCHITECTURE.md).
    const why = theirs === base ? '' : ` (${by} change it; not applied)`;
    return { path, action: 'keep', content: '', note: `deleted by you; stays deleted${why}` };
  }
  if (ours === theirs) return { path, action: 'unchanged', content: ours, previous: ours };
  const untouched = ours === base || (v.recorded !== undefined && hash(ours) === v.recorded);
  if (untouched) return { path, action: 'update', content: theirs, previous: ours };
  if (theirs === base)
    return {
      path,
      action: 'keep',
      content: ours,
      previous: ours,
      note: `edited by you; ${by} do not change it`,
    };

  // package.json always merges by key, so a user's package.json where we write one keeps every key of theirs. Other
  // JSON files merge as text first, which keeps their formatting, and by key only when the text merge conflicts.
  const union = base !== undefined && LISTS.has(path);
  let text = path === 'package.json' ? undefined : mergeText(ours, base ?? '', theirs, union);
  const byKey = path === 'package.json' || (path.endsWith('.json') && base !== undefined && text!.conflicts > 0);
  const json = byKey ? mergeJson(ours, base ?? '{}', theirs) : undefined;
  if (json) {
    const note = json.keptYours.length ? `kept your ${json.keptYours.join(', ')}` : 'merged with your edits';
    if (json.content === ours) {
      const why = json.keptYours.length ? note : 'your edits already include the change';
      return { path, action: 'keep', content: ours, previous: ours, note: why };
    }
    return { path, action: 'merge', content: json.content, previous: ours, note };
  }
  text ??= mergeText(ours, base ?? '', theirs, union);
  if (text.conflicts > 0) {
    const why =
      base === undefined ? 'a file of yours is where this project writes one' : `you and ${by} changed the same lines`;
    return {
      path,
      action: 'conflict',
      content: text.content,
      previous: ours,
      note: `${text.conflicts} conflict${text.conflicts > 1 ? 's' : ''}: ${why}`,
    };
  }
  if (text.content === ours)
    return { path, action: 'keep', content: ours, previous: ours, note: 'your edits already include the change' };
  return { path, action: 'merge', content: text.content, previous: ours, note: 'merged with your edits' };
}
