import path from 'node:path';
import { FEATURES, FEATURE_IDS, feature, type FeatureId } from './features.js';
import { usageError } from './errors.js';
import { checkName, suggestName } from './name.js';
import { detectPm, PMS, type Pm } from './pm.js';

export const TRANSPORTS = ['stdio', 'http', 'both'] as const;
export const AUTH_KINDS = ['apikey', 'oauth'] as const;
export const STORES = ['memory', 'redis'] as const;

export type Transport = (typeof TRANSPORTS)[number];
export type AuthKind = (typeof AUTH_KINDS)[number];
export type Store = (typeof STORES)[number];

/** Everything render() needs; recorded in .mcp-prod.json. */
export interface Answers {
  name: string;
  description: string;
  transport: Transport;
  features: FeatureId[];
  auth: AuthKind;
  store: Store;
  pm: Pm;
}

/** Flags as commander parsed them; every value is still unchecked text. */
export interface AnswerFlags {
  directory?: string;
  name?: string;
  description?: string;
  transport?: string;
  features?: string;
  auth?: string;
  store?: string;
  pm?: string;
  yes?: boolean;
}

/** The questions a person may be asked; only src/prompts.ts implements them. */
export interface Prompter {
  directory(initial: string): Promise<string>;
  name(initial: string, problem: string): Promise<string>;
  transport(initial: Transport): Promise<Transport>;
  features(choices: readonly FeatureId[], initial: readonly FeatureId[]): Promise<FeatureId[]>;
  auth(initial: AuthKind): Promise<AuthKind>;
  store(initial: Store): Promise<Store>;
}

export const DEFAULT_DIRECTORY = 'mcp-server';

export function oneOf<T extends string>(what: string, flag: string, valid: readonly T[], raw: string): T {
  const value = raw.trim().toLowerCase();
  if ((valid as readonly string[]).includes(value)) return value as T;
  throw usageError(`Invalid ${what} "${raw}" for ${flag}.`, `Valid values: ${valid.join(', ')}.`);
}

/** Features that fit the transport: the recommended set (DESIGN.md §2). */
export function recommendedFeatures(transport: Transport): FeatureId[] {
  return FEATURES.filter((f) => transport !== 'stdio' || !f.httpOnly).map((f) => f.id);
}

export interface FeatureSelection {
  features: FeatureId[];
  /** Features brought in because a chosen one requires them, with the reason. */
  added: string[];
}

/** Parses `-f` text: comma-separated ids, `all`, or empty for none. */
export function parseFeatureList(raw: string, transport: Transport): FeatureId[] {
  const ids = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (ids.includes('all')) return recommendedFeatures(transport);
  const unknown = ids.filter((id) => !(FEATURE_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) {
    throw usageError(
      `Unknown feature${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`,
      `Valid features: ${FEATURE_IDS.join(', ')} (or "all"). Run \`create-mcp-prod list\` for details.`,
    );
  }
  return ids as FeatureId[];
}

/** Adds required features, orders by the registry and refuses HTTP-only features on a stdio server. */
export function normalizeFeatures(ids: readonly FeatureId[], transport: Transport): FeatureSelection {
  const chosen = new Set(ids);
  const added: string[] = [];
  for (let grew = true; grew;) {
    grew = false;
    for (const id of [...chosen]) {
      for (const req of feature(id).requires) {
        if (!chosen.has(req)) {
          chosen.add(req);
          added.push(`${req} (required by ${id})`);
          grew = true;
        }
      }
    }
  }
  if (transport === 'stdio') {
    const httpOnly = FEATURE_IDS.filter((id) => chosen.has(id) && feature(id).httpOnly);
    if (httpOnly.length > 0) {
      throw usageError(
        `${httpOnly.join(', ')} ${httpOnly.length > 1 ? 'serve' : 'serves'} HTTP and cannot be used with --transport stdio.`,
        'Use --transport both (stdio and HTTP), or leave these features out.',
      );
    }
  }
  return { features: FEATURE_IDS.filter((id) => chosen.has(id)), added };
}

function missing(what: string, flag: string): never {
  throw usageError(
    `Missing ${what}: no terminal to ask on.`,
    `Pass ${flag}, or --yes to accept the defaults (run with --help for every flag).`,
  );
}

export interface ResolveContext {
  cwd: string;
  interactive: boolean;
  env: NodeJS.ProcessEnv;
  /** Loaded only when a question must be asked. */
  prompter?: () => Promise<Prompter>;
}

export interface Resolved {
  answers: Answers;
  directory: string;
  notes: string[];
}

/**
 * The answer-resolution table (issue 2): flag > --yes default > prompt (interactive only) > exit 2 naming the flag.
 * Every value is validated; an invalid one is an error, never replaced by a default.
 */
export async function resolveAnswers(flags: AnswerFlags, ctx: ResolveContext): Promise<Resolved> {
  let prompter: Prompter | undefined;
  const ask = async (): Promise<Prompter | undefined> => {
    if (!ctx.interactive || !ctx.prompter) return undefined;
    prompter ??= await ctx.prompter();
    return prompter;
  };
  const notes: string[] = [];

  // Check every flag given before asking anything, so a typo fails fast.
  const given = {
    transport:
      flags.transport === undefined ? undefined : oneOf('transport', '--transport', TRANSPORTS, flags.transport),
    auth: flags.auth === undefined ? undefined : oneOf('auth kind', '--auth', AUTH_KINDS, flags.auth),
    store: flags.store === undefined ? undefined : oneOf('store', '--store', STORES, flags.store),
    pm: flags.pm === undefined ? undefined : oneOf('package manager', '--pm', PMS, flags.pm),
  };
  if (flags.name !== undefined) {
    const problem = checkName(flags.name);
    if (problem)
      throw usageError(`Invalid project name "${flags.name}": ${problem}.`, `Try --name ${suggestName(flags.name)}.`);
  }
  if (flags.directory !== undefined && flags.directory.trim() === '') {
    throw usageError('The project directory is empty.', 'Pass a directory name, e.g. `create-mcp-prod my-server`.');
  }

  let dirArg = flags.directory;
  if (dirArg === undefined) {
    if (flags.yes) dirArg = DEFAULT_DIRECTORY;
    else
      dirArg =
        (await (await ask())?.directory(DEFAULT_DIRECTORY)) ??
        missing('project directory', 'a directory argument (`create-mcp-prod my-server`)');
  }
  const directory = path.resolve(ctx.cwd, dirArg);

  let name = flags.name;
  if (name === undefined) {
    const base = path.basename(directory);
    const problem = checkName(base);
    if (!problem) name = base;
    else {
      const p = await ask();
      if (p) name = await p.name(suggestName(base), problem);
      else
        throw usageError(
          `The directory name "${base}" is not a valid npm package name: ${problem}.`,
          `Pass --name ${suggestName(base)}.`,
        );
    }
  }

  let transport = given.transport;
  if (transport === undefined) {
    if (flags.yes) transport = 'both';
    else transport = (await (await ask())?.transport('both')) ?? missing('transport', '--transport <stdio|http|both>');
  }

  let chosen: FeatureId[];
  if (flags.features !== undefined) chosen = parseFeatureList(flags.features, transport);
  else if (flags.yes) chosen = recommendedFeatures(transport);
  else {
    const choices = recommendedFeatures(transport);
    chosen =
      (await (await ask())?.features(choices, choices)) ??
      missing('feature list', '--features <list> (e.g. --features all)');
  }
  const selection = normalizeFeatures(chosen, transport);
  if (selection.added.length > 0) notes.push(`Added ${selection.added.join(', ')}.`);
  const features = selection.features;

  let auth = given.auth;
  if (auth === undefined) {
    if (flags.yes || !features.includes('auth')) auth = 'apikey';
    else auth = (await (await ask())?.auth('apikey')) ?? missing('auth kind', '--auth <apikey|oauth>');
  }

  let store = given.store;
  if (store === undefined) {
    if (flags.yes || !(features.includes('cache') || features.includes('ratelimit'))) store = 'memory';
    else store = (await (await ask())?.store('memory')) ?? missing('store', '--store <memory|redis>');
  }

  const description = flags.description?.trim() || `A production-ready MCP server.`;
  const pm = given.pm ?? detectPm(ctx.env);
  return { answers: { name, description, transport, features, auth, store, pm }, directory, notes };
}

/** The one-line command that reproduces a run without prompts (DESIGN.md §2). */
export function reproduceCommand(directoryArg: string, a: Answers): string {
  const parts = ['npx create-mcp-prod', quote(directoryArg)];
  if (a.name !== path.basename(directoryArg)) parts.push('--name', quote(a.name));
  parts.push('--transport', a.transport, '--features', a.features.length ? a.features.join(',') : "''");
  if (a.features.includes('auth')) parts.push('--auth', a.auth);
  if (a.features.includes('cache') || a.features.includes('ratelimit')) parts.push('--store', a.store);
  parts.push('--pm', a.pm, '--yes');
  return parts.join(' ');
}

function quote(s: string): string {
  return /^[\w@./:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
