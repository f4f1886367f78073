import path from 'node:path';
import { reproduceCommand, resolveAnswers, type AnswerFlags, type Answers } from '../answers.js';
import { apply, faultAfterFromEnv } from '../engine/apply.js';
import { MANIFEST, recordedHashes } from '../engine/manifest.js';
import { existingEntries } from '../engine/paths.js';
import { planProject } from '../engine/plan.js';
import { render, templateContext } from '../engine/render.js';
import { cancelled, EXIT, usageError } from '../errors.js';
import { FORCE_PROMISE } from '../force.js';
import { initGit, type GitResult } from '../git.js';
import { install, installCancelled, type InstallResult } from '../install.js';
import type { Output } from '../output.js';
import { lockfile, runScript } from '../pm.js';
import { conflictError, conflictsOf, fileReport, printPlan, warnMarkers } from './report.js';

export interface CreateFlags extends AnswerFlags {
  install: boolean;
  git: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  interactive?: boolean;
}

export interface RunContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: Output;
  interactive: boolean;
}

export interface CommandResult {
  exitCode: number;
  json: Record<string, unknown>;
}

/** `create-mcp-prod [directory]`: resolve the answers, render, plan against the directory, apply, install, git. */
export async function create(flags: CreateFlags, ctx: RunContext): Promise<CommandResult> {
  const { out } = ctx;
  const prompts = ctx.interactive ? await import('../prompts.js') : undefined;
  prompts?.intro('create-mcp-prod');
  // A non-empty directory is the one place where create meets files of the user's: --force, or a yes to the
  // question, asked as soon as the directory is known.
  let entries: string[] = [];
  let force = false;
  const { answers, directory } = await resolveAnswers(flags, {
    cwd: ctx.cwd,
    env: ctx.env,
    interactive: ctx.interactive,
    prompter: async () => prompts!.createPrompter(),
    onDirectory: async (dir) => {
      entries = await existingEntries(dir);
      force = entries.length > 0 && (flags.force || (await confirmNonEmpty(dir, entries, prompts)));
    },
  });
  const say = (text: string) => (prompts ? prompts.step(text) : out.line(text));

  const theirs = await render(answers);
  const recorded = entries.includes(MANIFEST) ? await recordedHashes(directory) : undefined;
  const steps = await planProject(directory, { answers, theirs, recorded });
  const conflicts = conflictsOf(steps);
  const files = fileReport(steps);
  const dirArg = path.relative(ctx.cwd, directory) || '.';
  const exitCode = conflicts.length > 0 ? EXIT.failure : EXIT.ok;

  if (flags.dryRun) {
    printPlan(out, steps, `Dry run: would write ${directory} (nothing was written):`);
    return {
      exitCode,
      json: { ok: exitCode === EXIT.ok, command: 'create', dryRun: true, directory, answers, files, conflicts },
    };
  }

  if (conflicts.length > 0 && !force) throw conflictError(steps);
  const written = await apply(directory, steps, { force, faultAfter: faultAfterFromEnv(ctx.env) });
  say(`Created ${answers.name} in ${directory} (${written.length} files written).`);
  const met = steps.filter((e) => e.previous !== undefined);
  if (met.length > 0) printPlan(out, met, 'Files that were already there:');
  if (conflicts.length > 0) warnMarkers(out, conflicts);

  let installed: InstallResult = { ran: false, ok: true, command: `${answers.pm} install` };
  if (flags.install) installed = await install(directory, answers.pm, out);
  if (installed.cancelled) {
    throw installCancelled(
      dirArg,
      `The project was kept in ${directory}, without its dependencies.`,
      installed.command,
    );
  }
  let git: GitResult = { ran: false, committed: false, note: 'skipped (--no-git)' };
  if (flags.git && conflicts.length > 0)
    git = { ran: false, committed: false, note: 'skipped: resolve the conflict markers first, then run git init' };
  else if (flags.git)
    git = await initGit(directory, 'Initial commit from create-mcp-prod', [
      ...steps.map((e) => e.path),
      lockfile(answers.pm),
    ]);
  if (flags.git) say(`Git: ${git.note}.`);

  const next = nextSteps(dirArg, answers, theirs['package.json'], flags.install && installed.ok);
  const reproduce = ctx.interactive
    ? reproduceCommand(dirArg, answers, { install: flags.install, git: flags.git, force: entries.length > 0 })
    : undefined;
  if (!installed.ok) {
    out.error(`Dependencies did not install (${installed.command}):\n${installed.error ?? ''}`);
    out.line(`The project was kept. Retry with:\n  cd ${dirArg} && ${installed.command}`);
  } else {
    if (prompts) prompts.note(next.join('\n'), 'Next steps');
    else out.line(`\nNext steps:\n${next.map((s) => `  ${s}`).join('\n')}`);
  }
  const ok = installed.ok && conflicts.length === 0;
  prompts?.outro(
    ok ? 'Done.' : installed.ok ? 'Done, with conflict markers to resolve.' : 'Done, but the install failed.',
  );
  // Printed after the frame, unwrapped, so it can be copied as is.
  if (reproduce) out.line(`To do this again without questions:\n  ${reproduce}\n`);

  return {
    exitCode: ok ? EXIT.ok : EXIT.failure,
    json: {
      ok,
      command: 'create',
      directory,
      answers,
      files,
      conflicts,
      install: installed,
      git,
      nextSteps: installed.ok ? next : [`cd ${dirArg}`, installed.command],
      ...(reproduce ? { reproduce } : {}),
    },
  };
}

/** Without --force, a non-empty directory is refused (exit 2), or confirmed on a terminal with Cancel as default. */
async function confirmNonEmpty(
  directory: string,
  entries: string[],
  prompts: typeof import('../prompts.js') | undefined,
): Promise<true> {
  if (prompts) {
    if (await prompts.confirmNonEmpty(directory)) return true;
    throw cancelled();
  }
  const made = entries.includes(MANIFEST)
    ? ' It already holds a create-mcp-prod project: use `create-mcp-prod add <feature>` there.'
    : '';
  throw usageError(
    `${directory} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}).${made}`,
    `Pick an empty or new directory, or pass --force to write into it (${FORCE_PROMISE}).`,
  );
}

/**
 * cd, install, the settings the server cannot start without (declared `required` with no value in .env), then the
 * generated project's own scripts: build, test (when its features give it one), dev.
 */
function nextSteps(dirArg: string, answers: Answers, packageJson: string | undefined, installed: boolean): string[] {
  const { pm } = answers;
  const scripts = (JSON.parse(packageJson ?? '{}') as { scripts?: Record<string, string> }).scripts ?? {};
  const steps = dirArg === '.' ? [] : [`cd ${dirArg}`];
  if (!installed) steps.push(`${pm} install`);
  const unset = templateContext(answers)
    .env.vars.filter((v) => v.default === 'required' && !v.required)
    .map((v) => v.name);
  if (unset.length > 0)
    steps.push(
      `set ${unset.join(' and ')} in .env (required: the server does not start without ${unset.length > 1 ? 'them' : 'it'})`,
    );
  if (scripts.build) steps.push(`${runScript(pm)} build`);
  if (scripts.test) steps.push(`${pm} test`);
  if (scripts.dev) steps.push(`${runScript(pm)} dev`);
  return steps;
}
