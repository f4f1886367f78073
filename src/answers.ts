/**
 * The answers a render needs, and the one resolver that settles them for `create` and `add` (docs/ARCHITECTURE.md,
 * "Flow"). Each answer comes from, in order: the answers recorded in .mcp-prod.json (`add`) or the defaults
 * (`create`), then a flag, then a question (only when interactive); an answer still open is an exit 2 naming its
 * flag. Every flag is checked before anything is asked, and an invalid value is an error, never a default.
 */
import path from 'node:path';
import { usageError } from './errors.js';
import {
  FEATURE_IDS,
  httpOnly,
  optionApplies,
  OPTIONS,
  optionUsers,
  optionUsersText,
  withRequired,
  type FeatureId,
  type Option,
  type OptionAnswers,
  type OptionId,
  optionFlag,
} from './features.js';
import type { Item } from './engine/items.js';
import { checkName, suggestName } from './name.js';
import { detectPm, PMS, pmVersion, type Pm } from './pm.js';

export const TRANSPORTS = ['stdio', 'http', 'both'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** The values of an option, as its declaration lists them. */
export const valuesOf = (o: Option): string[] => o.values.map((v) => v.value);

/**
 * Everything render() needs; recorded in .mcp-prod.json. The options' answers (`auth`, `store`, ...) come from the
 * registry: each feature declares the options it brings (src/feature-api.ts `defineOption`).
 */
export type Answers = {
  name: string;
  description: string;
  transport: Transport;
  features: FeatureId[];
} & OptionAnswers & {
    pm: Pm;
    /** The version of `pm` that ran `create`, when known: package.json's `packageManager`. */
    pmVersion?: string;
    /**
     * The tools, resources and prompts `add tool|resource|prompt` added, in that order (src/engine/items.ts); absent
     * until the first one. The examples the templates write are not items.
     */
    items?: Item[];
  };

/** What `create --yes` answers; `add` answers with the recorded answers instead. Options: their declared default. */
export const DEFAULTS = {
  directory: 'mcp-server',
  description: 'A production-ready MCP server.',
  transport: 'both',
} as const satisfies Partial<Answers> & { directory: string };

/** Each option's declared default. */
export function optionDefaults(): OptionAnswers {
  return Object.fromEntries(OPTIONS.map((o) => [o.id, o.default])) as OptionAnswers;
}

/** The answers a command's flags give (src/flags.ts has checked their values); the rest is settled here. */
export type AnswerFlags = {
  /** The project directory: create's argument, add's --cwd. */
  directory?: string;
  name?: string;
  description?: string;
  transport?: string;
  /** create: the feature list; add: the features to add. Comma-separated ids, `all`, or empty for none. */
  features?: string;
  pm?: string;
  yes?: boolean;
} & Partial<Record<OptionId, string>>;

/** The questions a person may be asked; only src/prompts.ts implements them. */
export interface Prompter {
  directory(initial: string): Promise<string>;
  name(initial: string, problem: string): Promise<string>;
  transport(initial: Transport): Promise<Transport>;
  features(choices: readonly FeatureId[], initial: readonly FeatureId[]): Promise<FeatureId[]>;
  /** An option's value; `users`: the chosen features it is asked for. */
  option(option: Option, initial: string, users: readonly FeatureId[]): Promise<string>;
}

export interface ResolveContext {
  cwd: string;
  interactive: boolean;
  env: NodeJS.ProcessEnv;
  /** Loaded only when a question must be asked. */
  prompter?: () => Promise<Prompter>;
  /** The project's answers from .mcp-prod.json: `add` starts from them, and only adds features. */
  recorded?: Answers;
  /**
   * Called once the directory is settled, before any other question: `create` confirms a non-empty directory
   * there, so nobody answers every question only to be told the directory is in use.
   */
  onDirectory?: (directory: string) => Promise<void>;
}

export interface Resolved {
  answers: Answers;
  directory: string;
  /** The package manager for this run's install: --pm, else the answer. */
  pm: Pm;
  /** The features this run brings in, in registry order. */
  adding: FeatureId[];
  /** Requested features the project already has (`add`): a no-op, reported as such. */
  present: FeatureId[];
}

export function oneOf<T extends string>(what: string, flag: string, valid: readonly T[], raw: string): T {
  const value = raw.trim().toLowerCase();
  if ((valid as readonly string[]).includes(value)) return value as T;
  throw usageError(`Invalid ${what} "${raw}" for ${flag}.`, `Valid values: ${valid.join(', ')}.`);
}

/** Features that fit the transport: the default set, and what `all` means. */
export function recommendedFeatures(transport: Transport): FeatureId[] {
  const http = transport === 'stdio' ? httpOnly(FEATURE_IDS) : [];
  return FEATURE_IDS.filter((id) => !http.includes(id));
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
    const guesses = unknown.map((id) => [id, closest(id, [...FEATURE_IDS, 'all'])] as const);
    const meant = guesses
      .filter(([, guess]) => guess !== undefined)
      .map(([id, guess]) => (unknown.length > 1 ? `"${guess}" for "${id}"` : `"${guess}"`));
    throw usageError(
      `Unknown feature${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.` +
        (meant.length > 0 ? ` Did you mean ${meant.join(', ')}?` : ''),
      `Valid features: ${FEATURE_IDS.join(', ')} (or "all"). Run \`create-mcp-prod list\` for details.`,
    );
  }
  return ids as FeatureId[];
}

/** The candidate within a small edit distance of `word` (a typo), if exactly one is closest. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const scored = candidates.map((c) => [c, editDistance(word, c)] as const).sort((a, b) => a[1] - b[1]);
  const [best, second] = scored;
  const limit = Math.max(1, Math.floor(word.length / 3));
  if (!best || best[1] > limit || (second && second[1] === best[1])) return undefined;
  return best[0];
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Dedupes, brings in what the chosen features require, orders by the registry, and refuses HTTP-only features on a stdio server. `recorded` says the
 * transport is the project's own (`add` never changes it), which changes the advice, not the rule.
 */
export function normalizeFeatures(ids: readonly FeatureId[], transport: Transport, recorded?: Answers): FeatureId[] {
  const features = withRequired(ids);
  const http = transport === 'stdio' ? httpOnly(features) : [];
  if (http.length > 0) {
    const serve = `${http.join(', ')} ${http.length > 1 ? 'serve' : 'serves'} HTTP`;
    throw recorded
      ? usageError(
          `${serve}, and ${recorded.name} is a stdio-only server (its recorded transport is "stdio").`,
          'Leave these features out; `add` does not change the transport. To serve HTTP, create a new project with --transport both and move your code over.',
        )
      : usageError(
          `${serve} and cannot be used with --transport stdio.`,
          'Use --transport both (stdio and HTTP), or leave these features out.',
        );
  }
  return features;
}

/**
 * What the options' values refuse (a project-level option such as a runtime that cannot serve some features or a
 * transport): exit 2 naming each refused feature or transport and why.
 */
export function refusals(
  transport: string,
  features: readonly FeatureId[],
  answers: Record<string, string>,
  options: readonly Option[] = OPTIONS,
): void {
  const reasons = options.flatMap((o) =>
    optionApplies(o, features)
      ? (o.refuses?.(answers[o.id]!, { transport, features, options: answers }) ?? []).map((r) => [o, r] as const)
      : [],
  );
  if (reasons.length === 0) return;
  const [o] = reasons[0]!;
  throw usageError(
    `${optionFlag(o)} ${answers[o.id]} cannot go with:\n${reasons.map(([, r]) => `  ${r}`).join('\n')}`,
    `Leave these out, or choose another ${optionFlag(o)} (${valuesOf(o).join(', ')}).`,
  );
}

function missing(what: string, flag: string, fallback: string): never {
  throw usageError(`Missing ${what}: no terminal to ask on.`, `Pass ${flag}, or --yes to use ${fallback}.`);
}

/** Checks every flag given, before anything is asked, so that a typo fails fast. */
function checkFlags(flags: AnswerFlags) {
  if (flags.name !== undefined) {
    const problem = checkName(flags.name);
    if (problem)
      throw usageError(`Invalid project name "${flags.name}": ${problem}.`, `Try --name ${suggestName(flags.name)}.`);
  }
  if (flags.directory !== undefined && flags.directory.trim() === '') {
    throw usageError('The project directory is empty.', 'Pass a directory name, e.g. `create-mcp-prod my-server`.');
  }
  const check = <T extends string>(raw: string | undefined, what: string, flag: string, valid: readonly T[]) =>
    raw === undefined ? undefined : oneOf(what, flag, valid, raw);
  return {
    transport: check(flags.transport, 'transport', '--transport', TRANSPORTS),
    options: Object.fromEntries(
      OPTIONS.map((o) => [o.id, check(flags[o.id], o.what, optionFlag(o), valuesOf(o))]),
    ) as Partial<Record<OptionId, string>>,
    pm: check(flags.pm, 'package manager', '--pm', PMS),
  };
}

/**
 * Settles every answer, once, for `create` (no `ctx.recorded`: all answers are open) and for `add` (`ctx.recorded`:
 * only the requested features and the answers they bring are open). Questions are asked in a fixed order, only on a
 * terminal, and only for what the flags leave open.
 */
export async function resolveAnswers(flags: AnswerFlags, ctx: ResolveContext): Promise<Resolved> {
  const given = checkFlags(flags);
  const { recorded } = ctx;
  let prompter: Prompter | undefined;
  const ask = async <T>(question: (p: Prompter) => Promise<T>): Promise<T | undefined> => {
    if (!ctx.interactive || !ctx.prompter) return undefined;
    prompter ??= await ctx.prompter();
    return question(prompter);
  };
  /** An open answer: its flag, else the default with --yes, else a question, else exit 2 naming the flag. */
  const settle = async <T>(
    flag: T | undefined,
    fallback: T,
    question: (p: Prompter) => Promise<T>,
    what: string,
    how: string,
    fallbackText = String(fallback),
  ): Promise<T> => flag ?? (flags.yes ? fallback : ((await ask(question)) ?? missing(what, how, fallbackText)));

  // The project's identity and transport: fixed once the project exists.
  const directory = path.resolve(
    ctx.cwd,
    recorded
      ? (flags.directory ?? '.')
      : await settle(
          flags.directory,
          DEFAULTS.directory,
          (p) => p.directory(DEFAULTS.directory),
          'project directory',
          'a directory argument (`create-mcp-prod my-server`)',
        ),
  );
  await ctx.onDirectory?.(directory);
  const name = recorded?.name ?? flags.name ?? (await nameOf(directory, ask));
  const before = recorded?.features ?? [];
  // A project recorded before an option existed had its default (the runtime: node).
  const start = { ...optionDefaults(), ...recorded } as unknown as Record<string, string>;
  const options: Record<string, string> = {};

  // Project-level options (the runtime) first: they decide which transports and features the defaults offer.
  const project = OPTIONS.filter((o) => o.scope === 'project');
  for (const o of project) {
    // Asked only when it is a choice: a transport given as a flag may leave one value (stdio: node).
    const transport = recorded?.transport ?? given.transport;
    const fitting = valuesOf(o).filter(
      (v) => transport === undefined || (o.refuses?.(v, { transport, features: [], options }) ?? []).length === 0,
    );
    const value = given.options[o.id as OptionId] ?? (fitting.length === 1 ? fitting[0] : undefined);
    options[o.id] = await option(o, value, start[o.id]!, before);
  }
  const fits = (transport: string, features: readonly string[]) =>
    project.every((o) => (o.refuses?.(options[o.id]!, { transport, features, options }) ?? []).length === 0);
  const defaultTransport = [DEFAULTS.transport, ...TRANSPORTS].find((t) => fits(t, [])) ?? DEFAULTS.transport;
  const transport =
    recorded?.transport ??
    (await settle(
      given.transport,
      defaultTransport,
      (p) => p.transport(defaultTransport),
      'transport',
      `--transport <${TRANSPORTS.join('|')}>`,
    ));

  // Features: the recorded ones plus those requested (add), or the chosen set (create).
  const choices = recommendedFeatures(transport).filter((id) => fits(transport, [id]));
  const requested =
    recorded || flags.features !== undefined
      ? // `all`: every feature that fits the transport and the runtime.
        parseFeatureList(flags.features ?? '', transport).filter(
          (id) => !/(^|,)\s*all\s*(,|$)/i.test(flags.features ?? '') || fits(transport, [id]),
        )
      : await settle(
          undefined,
          choices,
          (p) => p.features(choices, choices),
          'feature list',
          '--features <list> (e.g. --features all)',
          'all that fit the transport',
        );
  const features = normalizeFeatures([...before, ...requested], transport, recorded);
  for (const o of OPTIONS) {
    if (o.scope !== 'project') options[o.id] = await option(o, given.options[o.id as OptionId], start[o.id]!, features);
  }
  refusals(transport, features, options);

  // Options: open when the first feature they answer for comes in (a project-level option: always).
  async function option(
    o: Option,
    value: string | undefined,
    start: string,
    features: readonly FeatureId[],
  ): Promise<string> {
    const flag = optionFlag(o);
    const users = optionUsers(o, features);
    const usersText = optionUsersText(o);
    if (recorded && optionApplies(o, before)) {
      if (value !== undefined && value !== start) {
        throw usageError(
          `${name} already uses ${start} for ${o.scope === 'project' ? 'the project' : usersText}; \`add\` does not switch it to ${value}.`,
          `Drop ${flag}, or pass ${flag} ${start}.`,
        );
      }
      return start;
    }
    if (!optionApplies(o, features)) {
      // A flag for a feature that is not chosen is a mistake to point out, never an answer recorded for nothing.
      // Without the flag, create records the default (a later `add` starts from it).
      if (value !== undefined) {
        const all = optionUsers(o, FEATURE_IDS);
        const whom = `the ${usersText} feature${all.length > 1 ? 's' : ''}`;
        throw recorded
          ? usageError(
              `${flag} answers for ${whom}, which this command does not add.`,
              `Add ${all.length > 1 ? 'one' : 'it'} too: create-mcp-prod add ${all[0]} ${flag} ${value}`,
            )
          : usageError(
              `${flag} answers for ${whom}, which the chosen features (${features.join(', ') || 'none'}) do not include.`,
              `Add ${all.join(' or ')} to --features, or drop ${flag}.`,
            );
      }
      return value ?? start;
    }
    // A project-level option (the runtime) came after scripts were written: without a terminal, its default.
    if (o.scope === 'project' && value === undefined && !ctx.interactive) return start;
    // A flag-only option: its default unless the flag says otherwise.
    if (o.asked === false) return value ?? start;
    // `add` without the flag and without a terminal takes the recorded answer: the project's own default.
    if (recorded && value === undefined && !ctx.interactive) return start;
    return settle(
      value,
      start,
      (p) => p.option(o, start, users),
      `${o.what}${users.length > 0 && o.scope !== 'project' ? ` for ${users.join(' and ')}` : ''}`,
      `${flag} <${valuesOf(o).join('|')}>`,
    );
  }

  const description = recorded?.description ?? (flags.description?.trim() || DEFAULTS.description);
  const pm = recorded?.pm ?? given.pm ?? detectPm(ctx.env);
  return {
    // Same key order for create and add, so the manifest of create(F) + add(X) equals that of create(F + X).
    answers: {
      name,
      description,
      transport,
      features,
      ...(options as OptionAnswers),
      pm,
      ...(recorded ? recorded.pmVersion && { pmVersion: recorded.pmVersion } : versionOf(pm, ctx.env)),
      ...(recorded?.items && { items: recorded.items }),
    },
    directory,
    pm: given.pm ?? pm,
    adding: features.filter((id) => !before.includes(id)),
    present: [...new Set(requested.filter((id) => before.includes(id)))],
  };
}

function versionOf(pm: Pm, env: NodeJS.ProcessEnv): Pick<Answers, 'pmVersion'> {
  const version = pmVersion(pm, env);
  return version ? { pmVersion: version } : {};
}

/** The directory's base name when it is a valid package name; else a question, or exit 2 suggesting --name. */
async function nameOf(
  directory: string,
  ask: (question: (p: Prompter) => Promise<string>) => Promise<string | undefined>,
): Promise<string> {
  const base = path.basename(directory);
  const problem = checkName(base);
  if (!problem) return base;
  const answer = await ask((p) => p.name(suggestName(base), problem));
  if (answer !== undefined) return answer;
  throw usageError(
    `The directory name "${base}" is not a valid npm package name: ${problem}.`,
    `Pass --name ${suggestName(base)}.`,
  );
}

/** The run's flags that are not answers but change what it does. */
export interface RunFlags {
  install: boolean;
  git: boolean;
  /** The directory was not empty (confirmed at the prompt): the rerun needs --force to go on where this one did. */
  force: boolean;
}

/** The one-line command that reproduces a run without questions. */
export function reproduceCommand(directoryArg: string, a: Answers, run: RunFlags): string {
  const parts = ['npx create-mcp-prod', quote(directoryArg)];
  if (a.name !== path.basename(directoryArg)) parts.push('--name', quote(a.name));
  if (a.description !== DEFAULTS.description) parts.push('--description', quote(a.description));
  parts.push('--transport', a.transport, '--features', a.features.length ? a.features.join(',') : "''");
  for (const o of OPTIONS) if (optionApplies(o, a.features)) parts.push(optionFlag(o), a[o.id as OptionId]);
  parts.push('--pm', a.pm);
  if (!run.install) parts.push('--no-install');
  if (!run.git) parts.push('--no-git');
  if (run.force) parts.push('--force');
  parts.push('--yes');
  return parts.join(' ');
}

function quote(s: string): string {
  return /^[\w@./:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
