import path from 'node:path';
import { reproduceCommand, resolveAnswers, type AnswerFlags, type Answers } from '../answers.js';
import { MANIFEST, recordedHashes } from '../engine/manifest.js';
import { existingEntries } from '../engine/paths.js';
import { planProject } from '../engine/plan.js';
import { render, templateContext } from '../engine/render.js';
import { cancelled, usageError } from '../errors.js';
import { FORCE_PROMISE } from '../force.js';
import { initGit } from '../git.js';
import { GENERATOR } from '../meta.js';
import type { Output } from '../output.js';
import { runScript } from '../pm.js';
import { runPlan } from './run-plan.js';

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

  const theirs = await render(answers);
  const recorded = entries.includes(MANIFEST) ? await recordedHashes(directory) : undefined;
  const steps = await planProject(directory, { answers, theirs, recorded });
  const dirArg = path.relative(ctx.cwd, directory) || '.';
  const reproduce = ctx.interactive
    ? reproduceCommand(dirArg, answers, { install: flags.install, git: flags.git, force: entries.length > 0 })
    : undefined;

  const result = await runPlan(
    {
      command: 'create',
      root: directory,
      answers,
      steps,
      pm: answers.pm,
      dryRun: flags.dryRun,
      force,
      install: flags.install,
      git: flags.git ? (files) => initGit(directory, 'Initial commit from create-mcp-prod', files) : undefined,
      facts: { to: GENERATOR.version, added: answers.features },
      titles: {
        dryRun: `Dry run: would write ${directory} (nothing was written):`,
        refused: `Creating ${answers.name} in ${directory}:`,
        done: `Created ${answers.name} in ${directory} ({written} files written).`,
      },
      listOnly: (all) => all.filter((e) => e.previous !== undefined),
      diffs: false,
      say: (text) => (prompts ? prompts.step(text) : out.line(text)),
      next: (installed) => nextSteps(dirArg, answers, theirs['package.json'], installed),
      printNext: (next) =>
        prompts
          ? prompts.note(next.join('\n'), 'Next steps')
          : out.line(`\nNext steps:\n${next.map((s) => `  ${s}`).join('\n')}`),
    },
    ctx,
  );
  if (!flags.git && !flags.dryRun) result.report.git = { ran: false, committed: false, note: 'skipped (--no-git)' };
  const { report } = result;
  if (!flags.dryRun) {
    prompts?.outro(
      result.exitCode === 0
        ? 'Done.'
        : report.install.ok
          ? 'Done, with conflict markers to resolve.'
          : 'Done, but the install failed.',
    );
    // Printed after the frame, unwrapped, so it can be copied as is.
    if (reproduce) out.line(`To do this again without questions:\n  ${reproduce}\n`);
  }
  report.reproduce = reproduce ?? null;
  return { exitCode: result.exitCode, json: { ...report, ok: result.exitCode === 0 } };
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
