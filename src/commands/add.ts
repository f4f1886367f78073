import path from 'node:path';
import { resolveAnswers } from '../answers.js';
import { apply, faultAfterFromEnv } from '../engine/apply.js';
import { readManifest } from '../engine/manifest.js';
import { planProject } from '../engine/plan.js';
import { render } from '../engine/render.js';
import { EXIT } from '../errors.js';
import { install, installCancelled, type InstallResult } from '../install.js';
import { runScript } from '../pm.js';
import type { CommandResult, RunContext } from './create.js';
import type { Flags } from '../flags.js';
import { conflictError, conflictsOf, counts, dryRun, fileReport, printPlan, warnMarkers } from './report.js';

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
  const manifest = await readManifest(root);
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
  const report = { ok: true, command: 'add', directory: root, added: adding, alreadyPresent: present };
  let installed: InstallResult = { ran: false, ok: true, command: `${pm} install` };

  if (present.length > 0)
    out.line(`${present.join(', ')}: already in ${old.name}, nothing to do for ${present.length > 1 ? 'them' : 'it'}.`);
  if (adding.length === 0) {
    out.line('No file was changed.');
    return { exitCode: EXIT.ok, json: { ...report, answers: old, files: [], conflicts: [], install: installed } };
  }

  const [base, theirs] = await Promise.all([render(old), render(answers)]);
  const steps = await planProject(root, { answers, base, theirs, recorded: manifest.files });
  const conflicts = conflictsOf(steps);
  const shown = steps.filter((e) => e.action !== 'unchanged');
  const json = { ...report, answers, files: fileReport(steps), conflicts };

  if (flags.dryRun) {
    const heading = `Dry run: adding ${adding.join(', ')} to ${root} would change (nothing was written):`;
    return dryRun(out, steps, heading, flags.force, json);
  }

  if (conflicts.length > 0 && !flags.force) {
    printPlan(out, shown, `Adding ${adding.join(', ')} to ${root}:`);
    throw conflictError(steps);
  }

  await apply(root, steps, { force: flags.force, faultAfter: faultAfterFromEnv(ctx.env) });
  printPlan(out, shown, `Added ${adding.join(', ')} to ${old.name} in ${root}:`);
  out.line(`${counts(steps)}.`);
  if (conflicts.length > 0) warnMarkers(out, conflicts);

  if (flags.install !== false) installed = await install(root, pm, out);
  const dirArg = path.relative(ctx.cwd, root) || '.';
  if (installed.cancelled) throw installCancelled(dirArg, 'Your files were updated and kept.', installed.command);
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
