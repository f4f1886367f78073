import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apply, faultAfterFromEnv } from '../engine/apply.js';
import { renderBase } from '../engine/base.js';
import { readManifest } from '../engine/manifest.js';
import { planProject } from '../engine/plan.js';
import { render } from '../engine/render.js';
import { EXIT, usageError } from '../errors.js';
import { install, type InstallResult } from '../install.js';
import { GENERATOR } from '../meta.js';
import { runScript } from '../pm.js';
import type { CommandResult, RunContext } from './create.js';
import { conflictError, conflictsOf, counts, dryRun, fileReport, printPlan, warnMarkers } from './report.js';

/** Flags of `upgrade` as commander parsed them. */
export interface UpgradeFlags {
  cwd?: string;
  from?: string;
  install?: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

/** -1, 0 or 1, comparing `major.minor.patch` (a pre-release sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = '', pre] = v.split('-', 2);
    return { nums: core.split('.').map((n) => Number(n) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/**
 * `create-mcp-prod upgrade`: brings a project made by an earlier version to the current templates with the merge of
 * `add` (docs/ARCHITECTURE.md, "Merge rules"): base = what the recorded version rendered for the recorded answers
 * (src/engine/base.ts), theirs = what this version renders for them, ours = the disk.
 */
export async function upgrade(flags: UpgradeFlags, ctx: RunContext): Promise<CommandResult> {
  const { out } = ctx;
  const root = path.resolve(ctx.cwd, flags.cwd ?? '.');
  const manifest = await readManifest(root);
  const from = manifest.generator.version;
  const to = GENERATOR.version;
  const answers = manifest.answers;
  const report = { ok: true, command: 'upgrade', directory: root, from, to };
  const none: InstallResult = { ran: false, ok: true, command: `${answers.pm} install` };

  const order = compareVersions(from, to);
  if (order > 0) {
    throw usageError(
      `${answers.name} was made by create-mcp-prod ${from}, newer than this one (${to}).`,
      `Run the newer version: npx create-mcp-prod@${from} upgrade (or @latest).`,
    );
  }
  if (order === 0) {
    out.line(`${answers.name} is on create-mcp-prod ${to} already: nothing to upgrade.`);
    return { exitCode: EXIT.ok, json: { ...report, files: [], conflicts: [], install: none } };
  }

  const scratch = await mkdtemp(path.join(tmpdir(), 'create-mcp-prod-base-'));
  let base;
  try {
    out.line(`Rendering the base: create-mcp-prod ${from} with ${answers.name}'s answers...`);
    base = await renderBase(manifest, { from: flags.from, cwd: ctx.cwd, scratch, env: ctx.env });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const theirs = await render(answers);
  const steps = await planProject(root, {
    answers,
    base: base.tree,
    theirs,
    recorded: manifest.files,
    cause: 'templates',
  });
  const conflicts = conflictsOf(steps);
  const shown = steps.filter((e) => e.action !== 'unchanged');
  // Nothing is deleted: a file the new templates no longer make stays, and is named.
  const dropped = Object.keys(base.tree).filter((rel) => !(rel in theirs) && rel !== '.env.example');
  const json = { ...report, base: base.source, files: fileReport(steps), conflicts, noLongerGenerated: dropped };
  const title = `create-mcp-prod ${from} -> ${to}`;

  if (flags.dryRun) {
    const heading = `Dry run: upgrading ${root} (${title}) would change (nothing was written):`;
    return dryRun(out, steps, heading, flags.force, json);
  }
  if (conflicts.length > 0 && !flags.force) {
    printPlan(out, shown, `Upgrading ${root} (${title}):`);
    throw conflictError(steps);
  }

  await apply(root, steps, { force: flags.force, faultAfter: faultAfterFromEnv(ctx.env) });
  printPlan(out, shown, `Upgraded ${answers.name} in ${root} (${title}):`);
  out.line(`${counts(steps)}.`);
  for (const rel of dropped) out.line(`  kept      ${rel}  (no longer generated; delete it if you do not use it)`);
  if (conflicts.length > 0) warnMarkers(out, conflicts);
  out.line(`What changed in generated projects, version by version: CHANGELOG.md in the create-mcp-prod package.`);

  let installed = none;
  if (flags.install !== false) installed = await install(root, answers.pm, out);
  if (!installed.ok) {
    out.error(`Dependencies did not install (${installed.command}):\n${installed.error ?? ''}`);
    out.line(
      `Your files were upgraded and kept. Retry with:\n  cd ${path.relative(ctx.cwd, root) || '.'} && ${installed.command}`,
    );
  } else if (conflicts.length === 0) {
    const run = runScript(answers.pm);
    out.line(
      `\nNext: review the changes (git diff), then ${flags.install === false ? `${answers.pm} install && ` : ''}${run} build`,
    );
  }
  const ok = installed.ok && conflicts.length === 0;
  return { exitCode: ok ? EXIT.ok : EXIT.failure, json: { ...json, ok, install: installed } };
}
