import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { reproduceCommand, resolveAnswers, type AnswerFlags, type Answers } from '../answers.js';
import { apply, faultAfterFromEnv } from '../engine/apply.js';
import { envFile } from '../engine/env.js';
import { buildManifest, MANIFEST, serializeManifest } from '../engine/manifest.js';
import { safeJoin } from '../engine/paths.js';
import { compare, plan, readIfExists } from '../engine/plan.js';
import { render } from '../engine/render.js';
import { cancelled, EXIT, usageError } from '../errors.js';
import { initGit, type GitResult } from '../git.js';
import { install, type InstallResult } from '../install.js';
import type { Output } from '../output.js';
import { runScript } from '../pm.js';
import { printPlan, planSummary } from './report.js';

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

export interface CreateResult {
  exitCode: number;
  json: Record<string, unknown>;
}

/** Files that do not make a directory "non-empty" (create-vite treats a lone .git the same way). */
const IGNORABLE = new Set(['.git', '.DS_Store', 'Thumbs.db']);

async function existingEntries(dir: string): Promise<string[] | undefined> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) return undefined;
  if (!info.isDirectory()) throw usageError(`${dir} exists and is not a directory.`, 'Pick another project directory.');
  return (await readdir(dir)).filter((e) => !IGNORABLE.has(e));
}

export async function create(flags: CreateFlags, ctx: RunContext): Promise<CreateResult> {
  const { out } = ctx;
  const prompts = ctx.interactive ? await import('../prompts.js') : undefined;
  prompts?.intro('create-mcp-prod');
  const { answers, directory, notes } = await resolveAnswers(flags, {
    cwd: ctx.cwd,
    env: ctx.env,
    interactive: ctx.interactive,
    prompter: async () => prompts!.createPrompter(),
  });
  const say = (text: string) => (prompts ? prompts.step(text) : out.line(text));
  for (const note of notes) say(note);

  const entries = await existingEntries(directory);
  if (entries && entries.length > 0 && !flags.force) {
    const made = entries.includes(MANIFEST)
      ? ` It already holds a create-mcp-prod project: use \`create-mcp-prod add <feature>\` there.`
      : '';
    if (!prompts || !(await prompts.confirmNonEmpty(directory))) {
      if (prompts) throw cancelled();
      throw usageError(
        `${directory} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}).${made}`,
        'Pick an empty or new directory, or pass --force to write into it (files of the same name are replaced; nothing is deleted).',
      );
    }
  }

  const tree = await render(answers);
  const steps = await plan(directory, { ...tree, [MANIFEST]: serializeManifest(buildManifest(answers, tree)) });
  const previousEnv = await readIfExists(safeJoin(directory, '.env'));
  const env = envFile(previousEnv, tree['.env.example']);
  if (env !== undefined) steps.push(compare('.env', env, previousEnv));

  const dirArg = path.relative(ctx.cwd, directory) || '.';
  if (flags.dryRun) {
    printPlan(out, steps, `Dry run: would write ${directory} (nothing was written)`);
    return {
      exitCode: EXIT.ok,
      json: { ok: true, command: 'create', dryRun: true, directory, answers, files: planSummary(steps) },
    };
  }

  await apply(directory, steps, { force: true, faultAfter: faultAfterFromEnv(ctx.env) });
  say(`Created ${answers.name} in ${directory} (${steps.filter((s) => s.action !== 'unchanged').length} files).`);

  let installed: InstallResult = { ran: false, ok: true, command: `${answers.pm} install` };
  if (flags.install) installed = await install(directory, answers.pm, out);
  let git: GitResult = { ran: false, committed: false, note: 'skipped (--no-git)' };
  if (flags.git) git = await initGit(directory, 'Initial commit from create-mcp-prod');
  if (flags.git) say(`Git: ${git.note}.`);

  const next = nextSteps(dirArg, answers, flags.install && installed.ok);
  const reproduce = ctx.interactive ? reproduceCommand(dirArg, answers) : undefined;
  if (!installed.ok) {
    out.error(`Dependencies did not install (${installed.command}):\n${installed.error ?? ''}`);
    out.line(`The project was kept. Retry with:\n  cd ${dirArg} && ${installed.command}`);
  } else {
    if (prompts) prompts.note(next.join('\n'), 'Next steps');
    else out.line(`\nNext steps:\n${next.map((s) => `  ${s}`).join('\n')}`);
  }
  prompts?.outro(installed.ok ? 'Done.' : 'Done, but the install failed.');
  // Printed after the frame, unwrapped, so it can be copied as is.
  if (reproduce) out.line(`To do this again without questions:\n  ${reproduce}\n`);

  return {
    exitCode: installed.ok ? EXIT.ok : EXIT.failure,
    json: {
      ok: installed.ok,
      command: 'create',
      directory,
      answers,
      files: planSummary(steps),
      install: installed,
      git,
      nextSteps: installed.ok ? next : [`cd ${dirArg}`, installed.command],
      ...(reproduce ? { reproduce } : {}),
    },
  };
}

function nextSteps(dirArg: string, a: Answers, installed: boolean): string[] {
  const run = runScript(a.pm);
  const steps = dirArg === '.' ? [] : [`cd ${dirArg}`];
  if (!installed) steps.push(`${a.pm} install`);
  steps.push(`${run} build`);
  if (a.features.includes('tests')) steps.push(`${a.pm === 'npm' ? 'npm' : a.pm} test`);
  steps.push(`${run} dev`);
  return steps;
}
