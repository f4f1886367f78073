import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderBase } from '../engine/base.js';
import { staleFiles } from '../engine/manifest.js';
import { openProject } from '../engine/project.js';
import { planProject } from '../engine/plan.js';
import { render } from '../engine/render.js';
import { usageError } from '../errors.js';
import { GENERATOR } from '../meta.js';
import type { CommandResult, RunContext } from './create.js';
import { reviewNext, runPlan } from './run-plan.js';

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
  const manifest = await openProject(root, 'upgrade');
  const from = manifest.generator.version;
  const to = GENERATOR.version;
  const answers = manifest.answers;
  const order = compareVersions(from, to);
  if (order > 0) {
    throw usageError(
      `${answers.name} was made by create-mcp-prod ${from}, newer than this one (${to}).`,
      `Run the newer version: npx create-mcp-prod@${from} upgrade (or @latest).`,
    );
  }
  const facts = { from, to };
  // Same version: another build of it, with other templates, may have made the project (its recorded templates
  // fingerprint then differs). What decides is whether this render reproduces every recorded file.
  const sameTemplates = order === 0 && staleFiles(manifest, await render(answers)).length === 0;
  if (sameTemplates) {
    out.line(`${answers.name} is on create-mcp-prod ${to} already: nothing to upgrade.`);
    return runPlan({ ...common(), steps: [], facts, quiet: true }, ctx);
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
  // Nothing is deleted: a file the new templates no longer make stays, and is named.
  const dropped = Object.keys(base.tree).filter((rel) => !(rel in theirs) && rel !== '.env.example');
  const title = order === 0 ? `another build of create-mcp-prod ${to} -> this one` : `create-mcp-prod ${from} -> ${to}`;
  return runPlan(
    {
      ...common(),
      steps,
      facts: { ...facts, base: base.source, noLongerGenerated: dropped },
      titles: {
        dryRun: `Dry run: upgrading ${root} (${title}) would change (nothing was written):`,
        refused: `Upgrading ${root} (${title}):`,
        done: `Upgraded ${answers.name} in ${root} (${title}):`,
      },
      notes: [
        ...dropped.map((rel) => `  kept      ${rel}  (no longer generated; delete it if you do not use it)`),
        'What changed in generated projects, version by version: CHANGELOG.md in the create-mcp-prod package.',
      ],
    },
    ctx,
  );

  function common() {
    return {
      command: 'upgrade' as const,
      root,
      answers,
      pm: answers.pm,
      dryRun: flags.dryRun,
      force: flags.force,
      install: flags.install !== false,
      titles: { dryRun: '', refused: '', done: '' },
      next: (installed: boolean) => reviewNext(answers.pm, installed),
    };
  }
}
