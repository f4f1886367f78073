import path from 'node:path';
import { optionDefaults, parseFeatureList, type Answers } from '../answers.js';
import { refuseStale } from '../engine/manifest.js';
import { openProject } from '../engine/project.js';
import { planProject } from '../engine/plan.js';
import { render } from '../engine/render.js';
import { usageError } from '../errors.js';
import { FEATURE_IDS, feature, optionApplies, OPTIONS, type FeatureId, type OptionId } from '../features.js';
import type { Flags } from '../flags.js';
import { GENERATOR } from '../meta.js';
import type { Pm } from '../pm.js';
import type { CommandResult, RunContext } from './create.js';
import { reviewNext, runPlan } from './run-plan.js';

/**
 * `create-mcp-prod remove <feature...>`: the way back from `add`, with the same three-way merge towards the project
 * without those features (docs/ARCHITECTURE.md, "Merge rules"). A file only the removed features generated is
 * deleted when nobody edited it, and kept (and named) when somebody did; every other edit survives the merge.
 */
export async function remove(requested: string[], flags: Flags, ctx: RunContext): Promise<CommandResult> {
  const { out } = ctx;
  const root = path.resolve(ctx.cwd, flags.cwd ?? '.');
  const manifest = await openProject(root, 'remove');
  const old = manifest.answers;
  const asked = withoutDuplicates(parseFeatureList(requested.join(','), old.transport));
  const removing = asked.filter((id) => old.features.includes(id));
  const absent = asked.filter((id) => !old.features.includes(id));
  const answers = without(old, removing);
  const pm = (flags.pm as Pm | undefined) ?? old.pm;

  if (absent.length > 0)
    out.line(`${absent.join(', ')}: not in ${old.name}, nothing to do for ${absent.length > 1 ? 'them' : 'it'}.`);
  if (removing.length === 0) out.line('No file was changed.');
  const [base, theirs] = await Promise.all([render(old), render(answers)]);
  if (removing.length > 0) refuseStale(manifest, base, 'remove');
  const steps =
    removing.length > 0
      ? await planProject(root, { answers, base, theirs, recorded: manifest.files, deletes: true })
      : [];
  return runPlan(
    {
      command: 'remove',
      root,
      answers: removing.length > 0 ? answers : old,
      steps,
      pm,
      dryRun: flags.dryRun,
      force: flags.force,
      install: flags.install !== false,
      facts: { to: GENERATOR.version, removed: removing, absent },
      titles: {
        dryRun: `Dry run: removing ${removing.join(', ')} from ${root} would change (nothing was written):`,
        refused: `Removing ${removing.join(', ')} from ${root}:`,
        done: `Removed ${removing.join(', ')} from ${old.name} in ${root}:`,
      },
      notes: ['.env keeps every line, those of the removed features too: delete them if you like.'],
      next: (installed) => reviewNext(pm, installed),
      quiet: removing.length === 0,
    },
    ctx,
  );
}

function withoutDuplicates(ids: FeatureId[]): FeatureId[] {
  return FEATURE_IDS.filter((id) => ids.includes(id));
}

/**
 * The recorded answers without `removing`. A feature that stays and requires one of them cannot stay without it:
 * exit 2 naming both. An option no remaining feature answers for goes back to its default, which is what `create`
 * records for a project without those features.
 */
export function without(
  a: Answers,
  removing: readonly FeatureId[],
  requiresOf: (id: FeatureId) => readonly FeatureId[] = (id) => feature(id).requires,
): Answers {
  const features = a.features.filter((id) => !removing.includes(id));
  const needed = features.flatMap((id) =>
    requiresOf(id)
      .filter((req) => removing.includes(req))
      .map((req) => [id, req] as const),
  );
  if (needed.length > 0) {
    const [by, req] = needed[0]!;
    throw usageError(
      `${needed.map(([b, r]) => `${b} requires ${r}`).join('; ')}: ${req} cannot be removed alone.`,
      `Remove both: create-mcp-prod remove ${[...new Set([...removing, ...needed.map(([b]) => b), by])].join(' ')}`,
    );
  }
  const defaults = optionDefaults() as Record<string, string>;
  const options = Object.fromEntries(
    OPTIONS.map((o) => [o.id, optionApplies(o, features) ? a[o.id as OptionId] : defaults[o.id]]),
  );
  return { ...a, features, ...options };
}
