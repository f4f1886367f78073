import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { TRANSPORTS, valuesOf, type Answers } from '../answers.js';
import { CliError, EXIT } from '../errors.js';
import { FEATURE_IDS, OPTIONS, type OptionId } from '../features.js';
import { GENERATOR } from '../meta.js';
import { PMS } from '../pm.js';
import { templatesFingerprint } from './fingerprint.js';
import { validItem } from './items.js';
import { readIfExists } from './paths.js';
import type { FileTree } from './render.js';

export const MANIFEST = '.mcp-prod.json';

/** `.mcp-prod.json`: who generated the project, with which answers, and the hash of every file as generated. */
export interface Manifest {
  generator: { name: string; version: string };
  /** The templates that made the project (src/engine/fingerprint.ts); absent in projects made before 0.3.0. */
  templates?: string;
  answers: Answers;
  files: Record<string, string>;
  /**
   * Options the file does not hold (read only, never written): the version that wrote it came before them, and its
   * projects have their default, which `answers` holds (the runtime of a project made before `--runtime`: node).
   */
  unrecorded?: OptionId[];
}

export function hash(content: string): string {
  return `sha256-${createHash('sha256').update(content).digest('base64')}`;
}

export function buildManifest(answers: Answers, tree: FileTree): Manifest {
  return {
    generator: { ...GENERATOR },
    templates: templatesFingerprint(),
    answers,
    files: Object.fromEntries(Object.entries(tree).map(([p, c]) => [p, hash(c)])),
  };
}

export function serializeManifest(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/** Reads and checks the manifest of an existing project; a missing or damaged one is a usage error. */
export async function readManifest(root: string): Promise<Manifest> {
  const where = await stat(root).catch(() => undefined);
  if (!where?.isDirectory()) {
    throw new CliError(`${root} ${where ? 'is not a directory' : 'does not exist'}.`, {
      exitCode: EXIT.usage,
      hint: 'Pass --cwd <dir> with the folder of a project made by create-mcp-prod, or run the command inside it.',
    });
  }
  const file = path.join(root, MANIFEST);
  const text = await readIfExists(file);
  if (text === undefined) {
    throw new CliError(`${root} has no ${MANIFEST}: it was not made by create-mcp-prod.`, {
      exitCode: EXIT.usage,
      hint: '`add` needs the manifest that `create-mcp-prod` writes. Run it in a project made by create-mcp-prod (or pass --cwd <dir>).',
    });
  }
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch (err) {
    throw damaged(file, (err as Error).message);
  }
  const a = m?.answers;
  const ok =
    a &&
    typeof a.name === 'string' &&
    typeof a.description === 'string' &&
    TRANSPORTS.includes(a.transport) &&
    Array.isArray(a.features) &&
    a.features.every((f) => FEATURE_IDS.includes(f)) &&
    OPTIONS.every((o) => {
      const value = (a as Record<string, unknown>)[o.id];
      return value === undefined || valuesOf(o).includes(value as string);
    }) &&
    PMS.includes(a.pm) &&
    (a.pmVersion === undefined || typeof a.pmVersion === 'string') &&
    (a.items === undefined || (Array.isArray(a.items) && a.items.every(validItem))) &&
    (m.templates === undefined || typeof m.templates === 'string') &&
    m.files !== null &&
    typeof m.files === 'object';
  if (!ok) throw damaged(file, 'its answers or file hashes are missing or invalid');
  const made = m.generator?.version;
  if (typeof made === 'string' && newer(made, GENERATOR.version)) {
    // A newer generator may render and record things this one does not know: merging against our older render
    // would take its files for user edits.
    throw new CliError(`${root} was made by ${GENERATOR.name} ${made}, newer than this one (${GENERATOR.version}).`, {
      exitCode: EXIT.usage,
      hint: `Run the same command with that version or a later one: npx ${GENERATOR.name}@${made} <arguments> (or @latest).`,
    });
  }
  // An option the manifest does not hold came after the version that wrote it: the project has its default.
  const unrecorded = OPTIONS.filter((o) => (a as Record<string, unknown>)[o.id] === undefined);
  if (unrecorded.length === 0) return m;
  const { name, description, transport, features, ...rest } = a;
  const options = Object.fromEntries(OPTIONS.map((o) => [o.id, o.legacy ?? o.default]));
  return {
    ...m,
    // The order of a current manifest: the options after the features.
    answers: { name, description, transport, features, ...options, ...rest } as Answers,
    unrecorded: unrecorded.map((o) => o.id as OptionId),
  };
}

/** a > b for versions like 1.2.3 (a pre-release counts as its release; enough to compare our own versions). */
export function newer(a: string, b: string): boolean {
  const parts = (v: string) =>
    v
      .split(/[-+]/)[0]!
      .split('.')
      .map((n) => Number.parseInt(n, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  }
  return false;
}

/** The file hashes of the manifest in `root`, when it holds a valid one (a project `create --force` writes over). */
export async function recordedHashes(root: string): Promise<Manifest['files'] | undefined> {
  return readManifest(root).then(
    (m) => m.files,
    () => undefined,
  );
}

function damaged(file: string, why: string): CliError {
  return new CliError(`${file} is damaged: ${why}.`, {
    exitCode: EXIT.usage,
    hint: 'Restore it from git (git checkout -- .mcp-prod.json) and run the command again.',
  });
}

/**
 * The generated files whose recorded hash this CLI's render of the recorded answers does not reproduce: the project
 * was made by other templates (another version, or another build of this one). Merging against this render would
 * take their differences for the user's edits, so `add` and `remove` refuse such a project until `upgrade` ran.
 */
export function staleFiles(m: Manifest, base: FileTree): string[] {
  const paths = [...new Set([...Object.keys(m.files), ...Object.keys(base)])].sort();
  return paths.filter((p) => base[p] === undefined || m.files[p] !== hash(base[p]));
}

/** Refuses a project whose recorded files this CLI does not render (see staleFiles), naming the one way on. */
export function refuseStale(m: Manifest, base: FileTree, command: string): void {
  const stale = staleFiles(m, base);
  if (stale.length === 0) return;
  const same = m.generator.version === GENERATOR.version;
  const made = same
    ? `another build of create-mcp-prod ${m.generator.version}`
    : `create-mcp-prod ${m.generator.version}`;
  throw new CliError(
    `${m.answers.name} was made by ${made}, whose templates differ from this one's (${stale.length} generated file${stale.length > 1 ? 's' : ''}: ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', ...' : ''}). \`${command}\` would take those differences for your edits; nothing was written.`,
    {
      exitCode: EXIT.usage,
      hint: `Bring it to this version's templates first, then run \`${command}\` again: npx create-mcp-prod upgrade${same ? ' --from <tarball or directory of the build that made it>' : ''}`,
      details: { stale },
    },
  );
}
