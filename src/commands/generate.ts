import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Answers } from '../answers.js';
import {
  ITEM_KINDS,
  KIND_DIRS,
  namesOf,
  newItem,
  schemeOf,
  uriVariables,
  type Item,
  type ItemKind,
  parseScopes,
} from '../engine/items.js';
import { refuseStale } from '../engine/manifest.js';
import { openProject } from '../engine/project.js';
import { readIfExists, safeJoin } from '../engine/paths.js';
import { planProject } from '../engine/plan.js';
import { render } from '../engine/render.js';
import { usageError } from '../errors.js';
import { runScript } from '../pm.js';
import type { CommandResult, RunContext } from './create.js';
import { runPlan } from './run-plan.js';
import { GENERATOR } from '../meta.js';

/** Flags of `add tool|resource|prompt <name>` as commander parsed them. */
export interface GenerateFlags {
  cwd?: string;
  description?: string;
  uri?: string;
  /** Comma-separated scopes the item declares. */
  scopes?: string;
  upstream?: boolean;
  cache?: boolean;
  readOnly?: boolean;
  destructive?: boolean;
  yes?: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export function isItemKind(word: string | undefined): word is ItemKind {
  return ITEM_KINDS.includes(word as ItemKind);
}

/** Lower-case words joined by `-` or `_`: a valid MCP name, file name and (camel-cased) identifier. */
const NAME = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;
const MAX_NAME = 48;
/** Words an identifier cannot be (ECMAScript reserved words, and names the generated modules already use). */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await z'
  ).split(' '),
);

function checkItemName(kind: ItemKind, name: string): string | undefined {
  if (!NAME.test(name))
    return `"${name}" is not a valid ${kind} name: use lower-case letters and digits, words joined by - or _ (e.g. get_forecast)`;
  if (name.length > MAX_NAME) return `"${name}" is too long: at most ${MAX_NAME} characters`;
  if (RESERVED.has(namesOf(name).id)) return `"${name}" is a reserved word in TypeScript: choose another name`;
  return undefined;
}

function checkUri(uri: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/.test(uri))
    return `"${uri}" is not a resource URI: write scheme://path, e.g. weather://cities or weather://city/{city}`;
  const braces = uri.replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, '');
  if (/[{}]/.test(braces)) return `"${uri}" has a malformed {variable}: use {name} with letters, digits and _`;
  const vars = uriVariables(uri);
  if (new Set(vars).size !== vars.length) return `"${uri}" repeats a variable`;
  return undefined;
}

/** Names of the MCP items already declared in the kind's folder (`name: 'x'` in any of its files). */
async function declaredNames(root: string, dir: string): Promise<Set<string>> {
  const names = new Set<string>();
  const files = await readdir(safeJoin(root, dir)).catch(() => [] as string[]);
  for (const file of files.filter((f) => f.endsWith('.ts'))) {
    const text = (await readIfExists(safeJoin(root, `${dir}/${file}`))) ?? '';
    for (const m of text.matchAll(/^\s*name:\s*['"]([^'"]+)['"]/gm)) names.add(m[1]!);
  }
  return names;
}

/** What the flags leave open, asked on a terminal; without one, a default with --yes, else exit 2 naming the flag. */
async function resolveSpec(
  kind: ItemKind,
  name: string,
  flags: GenerateFlags,
  a: Answers,
  interactive: boolean,
): Promise<Item> {
  const prompts = interactive ? await import('../prompts.js') : undefined;
  const { title } = namesOf(name);
  const fallback = `${title}: describe what it does and when a model should use it.`;
  let description = flags.description?.trim();
  if (!description) {
    if (prompts)
      description = await prompts.askText(`What does the ${kind} ${name} do? (the model reads this)`, fallback);
    else if (flags.yes) description = fallback;
    else
      throw usageError(
        `The ${kind} needs a description.`,
        `Pass --description "<one sentence>" (or --yes for a placeholder).`,
      );
  }
  const spec: Omit<Item, 'id' | 'file'> = { kind, name, description };
  if (flags.scopes !== undefined) {
    const parsed = parseScopes(flags.scopes);
    if ('problem' in parsed) throw usageError(parsed.problem, 'Pass scopes such as --scopes notes:read,notes:write.');
    if (parsed.scopes.length > 0) spec.scopes = parsed.scopes;
  }

  if (kind === 'tool') {
    const ask = async (value: boolean | undefined, question: string) =>
      value ?? (prompts ? await prompts.askYesNo(question, false) : false);
    const upstream = await ask(flags.upstream, 'Does it call the upstream API (UPSTREAM_BASE_URL)?');
    const readOnly = await ask(flags.readOnly, 'Is it read-only (it changes nothing anywhere)?');
    const destructive = readOnly
      ? (flags.destructive ?? false)
      : await ask(flags.destructive, 'Can it destroy or overwrite data?');
    const cache =
      readOnly && a.features.includes('cache') ? await ask(flags.cache, 'Cache its results?') : (flags.cache ?? false);
    const tool = { upstream, readOnly, destructive, cache };
    if (tool.readOnly && tool.destructive)
      throw usageError('A tool cannot be both --read-only and --destructive.', 'Pass one of them, or neither.');
    if (tool.cache && !tool.readOnly)
      throw usageError(
        'Only a read-only tool can be cached: caching skips its effects.',
        'Add --read-only, or leave out --cache.',
      );
    if (tool.cache && !a.features.includes('cache'))
      throw usageError(
        `${a.name} has no cache to serve --cache from.`,
        'Add the feature first: npx create-mcp-prod add cache',
      );
    Object.assign(spec, tool);
  }

  if (kind === 'resource') {
    const fallbackUri = `${schemeOf(a.name)}://${namesOf(name).file}`;
    let uri = flags.uri?.trim();
    if (!uri) {
      uri = prompts
        ? await prompts.askText(
            'Its URI (a fixed URI, or a template such as scheme://city/{city})',
            fallbackUri,
            checkUri,
          )
        : fallbackUri;
    }
    const problem = checkUri(uri);
    if (problem) throw usageError(problem, 'Pass a valid --uri.');
    spec.uri = uri;
  }
  return newItem(spec);
}

/** The identifiers an index file imports (a name the user's own code takes too). Reads the file; never edits it. */
function importedIds(text: string): Set<string> {
  const ids = new Set<string>();
  for (const m of text.matchAll(/^import\s+(?!type\s)(?:\{([^}]*)\}|([A-Za-z_$][\w$]*))/gm)) {
    const names = m[1] === undefined ? [m[2]!] : m[1].split(',');
    for (const part of names) {
      const local = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (local) ids.add(local);
    }
  }
  return ids;
}

/**
 * `create-mcp-prod add tool|resource|prompt <name>`: the project's answers with one more item (src/engine/items.ts),
 * rendered and planned as `add <feature>` is: the item's files (and its test, with the tests feature) from the item
 * templates are new, the kind's index is rendered from the list and merged three ways with the user's edits
 * (base = the index of the recorded items), and `.mcp-prod.json` records the item. An invalid or taken name, or a
 * file in the way: exit 2, nothing written.
 */
export async function generate(
  kind: ItemKind,
  names: string[],
  flags: GenerateFlags,
  ctx: RunContext,
): Promise<CommandResult> {
  const root = path.resolve(ctx.cwd, flags.cwd ?? '.');
  const manifest = await openProject(root, `add ${kind}`);
  const a = manifest.answers;
  if (names.length > 1)
    throw usageError(`add ${kind} takes one name, got ${names.length}: ${names.join(' ')}.`, 'Run it once per name.');
  let name = names[0];
  if (!name) {
    if (!ctx.interactive) throw usageError(`Which ${kind}? Name it: create-mcp-prod add ${kind} <name>.`);
    const prompts = await import('../prompts.js');
    name = await prompts.askText(`Name of the ${kind}`, '', (v) => checkItemName(kind, v));
  }
  const problem = checkItemName(kind, name);
  if (problem) throw usageError(problem, `Run create-mcp-prod add ${kind} <name> with a valid name.`);

  const { dir, definition } = KIND_DIRS[kind];
  const indexPath = `${dir}/index.ts`;
  const [index, defined] = await Promise.all([
    readIfExists(safeJoin(root, indexPath)),
    readIfExists(safeJoin(root, definition)),
  ]);
  if (index === undefined || defined === undefined) {
    throw usageError(
      `${a.name} has no ${index === undefined ? indexPath : definition}: it was made by create-mcp-prod ${manifest.generator.version}, before ${kind}s could be added.`,
      'Bring it to the current templates first: npx create-mcp-prod upgrade',
    );
  }
  const base = await render(a);
  refuseStale(manifest, base, `add ${kind}`);

  // Taken: a recorded item of the kind, a name its folder declares, an identifier its index (yours or ours)
  // imports, a file of ours.
  const { id, file } = namesOf(name);
  const items = a.items ?? [];
  const taken =
    items.some((i) => i.kind === kind && (i.name === name || i.id === id)) ||
    (await declaredNames(root, dir)).has(name) ||
    importedIds(index).has(id) ||
    importedIds(base[indexPath] ?? '').has(id) ||
    `${dir}/${file}.ts` in base;
  if (taken) throw usageError(`${a.name} already has a ${kind} named ${name} (in ${dir}).`, 'Choose another name.');

  const item = await resolveSpec(kind, name, flags, a, ctx.interactive);
  const answers: Answers = { ...a, items: [...items, item] };
  const theirs = await render(answers);
  for (const rel of Object.keys(theirs).filter((p) => !(p in base))) {
    if ((await readIfExists(safeJoin(root, rel))) !== undefined)
      throw usageError(
        `${rel} already exists: adding the ${kind} ${name} would overwrite it.`,
        'Choose another name, or move the file.',
      );
  }

  // The plan of every command (src/engine/plan.ts): new files against the disk, the index three ways, the manifest.
  const steps = await planProject(root, { answers, base, theirs, recorded: manifest.files, cause: 'item' });
  const run = runScript(a.pm);
  const tested = a.features.includes('tests') ? ` && ${run} test` : '';
  const { kind: _kind, name: _name, ...spec } = item;
  return runPlan(
    {
      command: `add ${kind}`,
      root,
      answers,
      steps,
      pm: a.pm,
      dryRun: flags.dryRun,
      force: flags.force,
      install: false,
      facts: { to: GENERATOR.version, item: { kind, name, spec } },
      titles: {
        dryRun: `Dry run: adding the ${kind} ${name} to ${root} would change (nothing was written):`,
        refused: `Adding the ${kind} ${name} to ${root}:`,
        done: `Added the ${kind} ${name} to ${a.name}:`,
      },
      next: () => [
        `fill in ${item.file}, then ${run} build${tested}`,
        // With AUTHZ_DEFAULT=deny (new projects with auth), a definition without scopes is offered to nobody.
        ...(item.scopes === undefined && (a as { authz?: string }).authz === 'deny'
          ? [`give it scopes (\`scopes: [...]\` in ${item.file}, or --scopes next time): until then no caller sees it`]
          : []),
      ],
      counts: false,
    },
    ctx,
  );
}
