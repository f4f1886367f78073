import path from 'node:path';
import { resolveAnswers } from '../answers.js';
import { refuseStale } from '../engine/manifest.js';
import { openProject } from '../engine/project.js';
import { planProject } from '../engine/plan.js';
import { render } from '../engine/render.js';
import { GENERATOR } from '../meta.js';
import type { CommandResult, RunContext } from './create.js';
import type { Flags } from '../flags.js';
import { reviewNext, runPlan } from './run-plan.js';

/**
 * `create-mcp-prod add <feature...>`: the project's recorded answers plus the requested features, rendered before
 * and after, each file merged three ways with the disk (docs/ARCHITECTURE.md, "Merge rules"), applied, installed.
 */
export async function add(requested: string[], flags: Flags, ctx: RunContext): Promise<CommandResult> {
  // `tool`, `resource` and `prompt` are not feature ids: `add tool <name>` generates one (src/commands/generate.ts).
  const { generate, isItemKind } = await import('./generate.js');
  if (isItemKind(requested[0])) return generate(requested[0], requested.slice(1), flags, ctx);
  const { out } = ctx;
  const root = path.resolve(ctx.cwd, flags.cwd ?? '.');
  const manifest = await openProject(root, 'add');
  const old = manifest.answers;
  const { answers, pm, adding, present } = await resolveAnswers(
    { ...flags, directory: root, features: requested.join(',') },
    {
      cwd: ctx.cwd,
      env: ctx.env,
      interactive: ctx.interactive,
      recorded: old,
      prompter: async () => (await import('../prompts.js')).createPrompter(),
    },
  );
  const facts = { to: GENERATOR.version, added: adding, alreadyPresent: present };

  if (present.length > 0)
    out.line(`${present.join(', ')}: already in ${old.name}, nothing to do for ${present.length > 1 ? 'them' : 'it'}.`);
  const [base, theirs] = await Promise.all([render(old), adding.length > 0 ? render(answers) : undefined]);
  if (adding.length > 0) refuseStale(manifest, base, 'add');
  const steps = theirs ? await planProject(root, { answers, base, theirs, recorded: manifest.files }) : [];
  if (adding.length === 0) out.line('No file was changed.');
  return runPlan(
    {
      command: 'add',
      root,
      answers: adding.length > 0 ? answers : old,
      steps,
      pm,
      dryRun: flags.dryRun && adding.length > 0,
      force: flags.force,
      install: flags.install !== false && adding.length > 0,
      facts,
      titles: {
        dryRun: `Dry run: adding ${adding.join(', ')} to ${root} would change (nothing was written):`,
        refused: `Adding ${adding.join(', ')} to ${root}:`,
        done: `Added ${adding.join(', ')} to ${old.name} in ${root}:`,
      },
      next: (installed) => reviewNext(pm, installed),
      quiet: adding.length === 0,
    },
    ctx,
  );
}
