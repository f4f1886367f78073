import path from 'node:path';
import { AUTH_KINDS, normalizeFeatures, oneOf, parseFeatureList, STORES, type Answers } from '../answers.js';
import { apply, faultAfterFromEnv } from '../engine/apply.js';
import { buildManifest, MANIFEST, readManifest, serializeManifest, type Manifest } from '../engine/manifest.js';
import { mergeEnv, mergeFile } from '../engine/merge.js';
import { safeJoin } from '../engine/paths.js';
import { compare, readIfExists, writes, type Plan, type PlanEntry } from '../engine/plan.js';
import { render, type FileTree } from '../engine/render.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { feature, type FeatureId } from '../features.js';
import { install, type InstallResult } from '../install.js';
import { PMS, runScript } from '../pm.js';
import type { RunContext } from './create.js';
import { printPlan } from './report.js';

/** Flags of `add` as commander parsed them (DESIGN.md §2). */
export interface AddFlags {
  cwd?: string;
  auth?: string;
  store?: string;
  pm?: string;
  install?: boolean;
  yes?: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export interface Addition {
  answers: Answers;
  /** Features this run adds, requirements included, in registry order. */
  adding: FeatureId[];
  /** Requested features the project already has: a no-op, reported as such. */
  present: FeatureId[];
  notes: string[];
}

const usesStore = (ids: readonly FeatureId[]) => ids.includes('cache') || ids.includes('ratelimit');

/**
 * New answers = old answers + the requested features (issue 5). --auth and --store only answer for features this run
 * adds; they never silently change a choice the project already made.
 */
export function resolveAddition(old: Answers, requested: string[], flags: AddFlags): Addition {
  const ids = parseFeatureList(requested.join(','), old.transport);
  const present = ids.filter((id) => old.features.includes(id));
  const wanted = ids.filter((id) => !old.features.includes(id));
  // Computed with an HTTP transport first so that a stdio project gets a message about *this* project.
  const closure = normalizeFeatures([...old.features, ...wanted], 'both');
  const adding = closure.features.filter((id) => !old.features.includes(id));
  if (old.transport === 'stdio') {
    const http = adding.filter((id) => feature(id).httpOnly);
    if (http.length > 0) {
      throw usageError(
        `${http.join(', ')} ${http.length > 1 ? 'serve' : 'serves'} HTTP, and ${old.name} is a stdio-only server (transport "stdio" in ${MANIFEST}).`,
        'Leave these features out; `add` does not change the transport. To serve HTTP, create a new project with --transport both and move your code over.',
      );
    }
  }
  const features = normalizeFeatures(closure.features, old.transport).features;
  const notes = closure.added.length > 0 ? [`Also adding ${closure.added.join(', ')}.`] : [];

  const missing = (what: string, flag: string, keep: string): never => {
    throw usageError(`Missing ${what}: no terminal to ask on.`, `Pass ${flag}, or --yes to use ${keep}.`);
  };

  let auth = old.auth;
  const authFlag = flags.auth === undefined ? undefined : oneOf('auth kind', '--auth', AUTH_KINDS, flags.auth);
  if (adding.includes('auth'))
    auth = authFlag ?? (flags.yes ? old.auth : missing('auth kind for auth', '--auth <apikey|oauth>', old.auth));
  else if (authFlag !== undefined && authFlag !== old.auth && old.features.includes('auth')) {
    throw usageError(
      `${old.name} already uses ${old.auth} auth; \`add\` does not switch it to ${authFlag}.`,
      `Drop --auth, or pass --auth ${old.auth}.`,
    );
  } else if (authFlag !== undefined && !old.features.includes('auth')) {
    throw usageError(
      '--auth answers for the auth feature, which this command does not add.',
      `Add it too: create-mcp-prod add auth --auth ${authFlag}`,
    );
  }

  let store = old.store;
  const storeFlag = flags.store === undefined ? undefined : oneOf('store', '--store', STORES, flags.store);
  if (usesStore(features) && !usesStore(old.features)) {
    const by = adding.filter((id) => id === 'cache' || id === 'ratelimit').join(' and ');
    store = storeFlag ?? (flags.yes ? old.store : missing(`store for ${by}`, '--store <memory|redis>', old.store));
  } else if (storeFlag !== undefined && storeFlag !== old.store && usesStore(old.features)) {
    throw usageError(
      `${old.name} already keeps cache and rate limits in ${old.store}; \`add\` does not switch it to ${storeFlag}.`,
      `Drop --store, or pass --store ${old.store}.`,
    );
  } else if (storeFlag !== undefined && !usesStore(features)) {
    throw usageError(
      '--store backs cache and ratelimit, and this command adds neither.',
      `Add one too: create-mcp-prod add cache --store ${storeFlag}`,
    );
  }

  // Same key order as create's answers, so the manifest of create(F) + add(X) equals that of create(F + X).
  const answers: Answers = {
    name: old.name,
    description: old.description,
    transport: old.transport,
    features,
    auth,
    store,
    pm: old.pm,
  };
  return { answers, adding, present, notes };
}

/**
 * On a terminal, asks what the flags leave open for the features being added (auth kind, store), with the project's
 * recorded answer as the default: the same resolution order as create (flag > --yes > prompt > exit 2).
 */
async function askMissing(old: Answers, requested: string[], flags: AddFlags, ctx: RunContext): Promise<AddFlags> {
  if (!ctx.interactive || flags.yes) return flags;
  const { adding, answers } = resolveAddition(old, requested, { ...flags, yes: true });
  const needsAuth = adding.includes('auth') && flags.auth === undefined;
  const needsStore = usesStore(answers.features) && !usesStore(old.features) && flags.store === undefined;
  if (!needsAuth && !needsStore) return flags;
  const prompter = (await import('../prompts.js')).createPrompter();
  return {
    ...flags,
    ...(needsAuth && { auth: await prompter.auth(old.auth) }),
    ...(needsStore && { store: await prompter.store(old.store) }),
  };
}

/** The whole change as one plan: every generated file merged three ways, then .env and the manifest. */
export async function planAdd(
  root: string,
  manifest: Manifest,
  answers: Answers,
  base: FileTree,
  theirs: FileTree,
): Promise<Plan> {
  const paths = [...new Set([...Object.keys(base), ...Object.keys(theirs)])].sort();
  const files = await Promise.all(
    paths.map(async (rel) =>
      mergeFile({
        path: rel,
        base: base[rel],
        theirs: theirs[rel],
        ours: await readIfExists(safeJoin(root, rel)),
        recorded: manifest.files[rel],
      }),
    ),
  );
  const steps = files.filter((e): e is PlanEntry => e !== undefined);
  const env = await envStep(root, base['.env.example'], theirs['.env.example']);
  if (env) steps.push(env);
  const previous = await readIfExists(safeJoin(root, MANIFEST));
  const content = serializeManifest(buildManifest(answers, theirs));
  steps.push(compare(MANIFEST, content, previous));
  return steps;
}

/** .env is append-only (issue 5); a missing .env stays missing, with a note about the new settings. */
async function envStep(
  root: string,
  baseExample = '',
  theirsExample: string | undefined,
): Promise<PlanEntry | undefined> {
  if (theirsExample === undefined || theirsExample === baseExample) return undefined;
  const previous = await readIfExists(safeJoin(root, '.env'));
  if (previous === undefined)
    return { path: '.env', action: 'keep', content: '', note: 'no .env; .env.example lists the new settings' };
  const content = mergeEnv(previous, baseExample, theirsExample);
  if (content === undefined) return { path: '.env', action: 'unchanged', content: previous, previous };
  return { path: '.env', action: 'update', content, previous, note: 'new settings added; yours untouched' };
}

const RESULT: Record<PlanEntry['action'], string> = {
  create: 'created',
  update: 'updated',
  merge: 'merged',
  keep: 'kept',
  conflict: 'conflict',
  unchanged: 'unchanged',
  delete: 'deleted',
};

function summary(steps: Plan) {
  return steps.map((e) => ({ path: e.path, result: RESULT[e.action], ...(e.note ? { note: e.note } : {}) }));
}

function counts(steps: Plan): string {
  const n: Record<string, number> = {};
  for (const e of steps) if (e.action !== 'unchanged') n[RESULT[e.action]] = (n[RESULT[e.action]] ?? 0) + 1;
  return (
    Object.entries(n)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ') || 'no file changed'
  );
}

async function unifiedDiff(e: PlanEntry): Promise<string> {
  const { createTwoFilesPatch } = await import('diff');
  const from = e.previous === undefined ? '/dev/null' : `a/${e.path}`;
  const to = e.action === 'delete' ? '/dev/null' : `b/${e.path}`;
  const patch = createTwoFilesPatch(
    from,
    to,
    e.previous ?? '',
    e.action === 'delete' ? '' : e.content,
    undefined,
    undefined,
    { context: 3 },
  );
  // Drop jsdiff's "=====" index line and empty timestamps, so the output reads like `git diff`.
  return patch.replace(/^=+\n/, '').replace(/^(---|\+\+\+) (\S+)\t$/gm, '$1 $2');
}

/** `create-mcp-prod add <feature...>` (issue 5, DESIGN.md §4). */
export async function add(
  requested: string[],
  flags: AddFlags,
  ctx: RunContext,
): Promise<{ exitCode: number; json: Record<string, unknown> }> {
  const { out } = ctx;
  const root = path.resolve(ctx.cwd, flags.cwd ?? '.');
  const pmFlag = flags.pm === undefined ? undefined : oneOf('package manager', '--pm', PMS, flags.pm);
  const manifest = await readManifest(root);
  const old = manifest.answers;
  const { answers, adding, present, notes } = resolveAddition(
    old,
    requested,
    await askMissing(old, requested, flags, ctx),
  );
  const pm = pmFlag ?? old.pm;
  const base = { ok: true, command: 'add', directory: root, added: adding, alreadyPresent: present };

  if (present.length > 0)
    out.line(`${present.join(', ')}: already in ${old.name}, nothing to do for ${present.length > 1 ? 'them' : 'it'}.`);
  if (adding.length === 0) {
    out.line('No file was changed.');
    return { exitCode: EXIT.ok, json: { ...base, answers: old, files: [] } };
  }
  for (const note of notes) out.line(note);

  const [before, after] = await Promise.all([render(old), render(answers)]);
  const steps = await planAdd(root, manifest, answers, before, after);
  const conflicts = steps.filter((e) => e.action === 'conflict').map((e) => e.path);
  const shown = steps.filter((e) => e.action !== 'unchanged');
  const json = { ...base, answers, files: summary(steps), conflicts };
  const conflictError = () =>
    new CliError(
      `Merge conflicts in ${conflicts.length} file${conflicts.length > 1 ? 's' : ''}: ${conflicts.join(', ')}. Nothing was written.`,
      {
        hint:
          'You and the new features changed the same lines. Run again with --force to write conflict markers ' +
          '(<<<<<<< ours / ======= / >>>>>>> theirs) and resolve them by hand, or with --dry-run to see the changes.',
        details: { files: summary(steps), conflicts },
      },
    );

  if (flags.dryRun) {
    printPlan(out, shown, `Dry run: adding ${adding.join(', ')} to ${root} would change (nothing was written):`);
    const diffs: Record<string, string> = {};
    for (const e of steps.filter((s) => writes(s, true))) diffs[e.path] = await unifiedDiff(e);
    for (const d of Object.values(diffs)) out.line(`\n${d.replace(/\n$/, '')}`);
    out.line(`\n${counts(steps)}.`);
    if (conflicts.length > 0 && !flags.force) throw conflictError();
    return { exitCode: EXIT.ok, json: { ...json, dryRun: true, diffs } };
  }

  if (conflicts.length > 0 && !flags.force) {
    printPlan(out, shown, `Adding ${adding.join(', ')} to ${root}:`);
    throw conflictError();
  }

  await apply(root, steps, { force: flags.force, faultAfter: faultAfterFromEnv(ctx.env) });
  printPlan(out, shown, `Added ${adding.join(', ')} to ${old.name} in ${root}:`);
  out.line(`${counts(steps)}.`);
  if (conflicts.length > 0) {
    out.warn(
      `Conflict markers were written to ${conflicts.join(', ')}: resolve every <<<<<<< ours ... >>>>>>> theirs block, then build.`,
    );
  }

  let installed: InstallResult = { ran: false, ok: true, command: `${pm} install` };
  if (flags.install !== false) installed = await install(root, pm, out);
  const dirArg = path.relative(ctx.cwd, root) || '.';
  if (!installed.ok) {
    out.error(`Dependencies did not install (${installed.command}):\n${installed.error ?? ''}`);
    out.line(`Your files were updated and kept. Retry with:\n  cd ${dirArg} && ${installed.command}`);
  } else if (conflicts.length === 0) {
    const run = runScript(pm);
    out.line(
      `\nNext: review the changes (git diff), then ${flags.install === false ? `${pm} install && ` : ''}${run} build`,
    );
  }
  const ok = installed.ok && conflicts.length === 0;
  return { exitCode: ok ? EXIT.ok : EXIT.failure, json: { ...json, ok, install: installed } };
}
