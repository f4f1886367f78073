/**
 * How `create` and `add` report a plan: the same lines for people, and the same file objects in --json, so a script
 * reads both commands' results with one parser.
 */
import { writes, type Action, type Plan, type PlanEntry } from '../engine/plan.js';
import { EXIT } from '../errors.js';
import { CliError } from '../errors.js';
import { FORCE_PROMISE } from '../force.js';
import { colors, type Output } from '../output.js';

const LABEL: Record<Action, (s: string) => string> = {
  create: colors.green,
  update: colors.yellow,
  merge: colors.cyan,
  keep: colors.dim,
  unchanged: colors.dim,
  conflict: colors.red,
  delete: colors.red,
};

/** One file in --json: every file has exactly these keys; `note` is null when there is nothing to explain. */
export interface FileReport {
  path: string;
  action: Action;
  note: string | null;
}

export function fileReport(steps: Plan): FileReport[] {
  return steps.map((e) => ({ path: e.path, action: e.action, note: e.note ?? null }));
}

export function printPlan(out: Output, entries: Plan, title: string): void {
  out.line(title);
  for (const e of entries) {
    const label = LABEL[e.action](e.action.padEnd(9));
    out.line(`  ${label} ${e.path}${e.note ? colors.dim(`  (${e.note})`) : ''}`);
  }
}

const DONE: Record<Action, string> = {
  create: 'created',
  update: 'updated',
  merge: 'merged',
  keep: 'kept',
  conflict: 'in conflict',
  unchanged: 'unchanged',
  delete: 'deleted',
};

/** "9 updated, 2 merged, 3 created": what changed, for the last line of a run. */
export function counts(steps: Plan): string {
  const n = new Map<string, number>();
  for (const e of steps) if (e.action !== 'unchanged') n.set(DONE[e.action], (n.get(DONE[e.action]) ?? 0) + 1);
  return [...n].map(([k, v]) => `${v} ${k}`).join(', ') || 'no file changed';
}

export function conflictsOf(steps: Plan): string[] {
  return steps.filter((e) => e.action === 'conflict').map((e) => e.path);
}

/** Stops a run that would conflict without --force; nothing has been written. */
export function conflictError(steps: Plan, dryRun = false): CliError {
  const conflicts = conflictsOf(steps);
  const next = dryRun
    ? 'Run it with --force instead of --dry-run to go on'
    : 'Run again with --dry-run to see the changes, or with --force to go on';
  return new CliError(
    `Merge conflicts in ${conflicts.length} file${conflicts.length > 1 ? 's' : ''}: ${conflicts.join(', ')}. Nothing was written.`,
    {
      hint:
        `Your files and the new ones changed the same lines. ${next} ` +
        `(${FORCE_PROMISE}), then resolve every <<<<<<< ours ... >>>>>>> theirs block by hand.`,
      details: { files: fileReport(steps), conflicts },
    },
  );
}

export function warnMarkers(out: Output, conflicts: string[]): void {
  out.warn(
    `Conflict markers were written to ${conflicts.join(', ')}: resolve every <<<<<<< ours ... >>>>>>> theirs block, then build.`,
  );
}

/** A `git diff`-style patch of one step, for --dry-run. */
export async function unifiedDiff(e: PlanEntry): Promise<string> {
  const { createTwoFilesPatch } = await import('diff');
  const from = e.previous === undefined ? '/dev/null' : `a/${e.path}`;
  const to = e.action === 'delete' ? '/dev/null' : `b/${e.path}`;
  const patch = createTwoFilesPatch(from, to, e.previous ?? '', e.content, undefined, undefined, {
    context: 3,
  });
  // Drop jsdiff's "=====" index line and empty timestamps, so the output reads like `git diff`.
  return patch.replace(/^=+\n/, '').replace(/^(---|\+\+\+) (\S+)\t$/gm, '$1 $2');
}

/**
 * `--dry-run` of a command that merges (add, upgrade): the plan, a unified diff of every change and the counts;
 * it exits as the real run would (a conflict without --force is an error; with it, markers mean exit 1).
 */
export async function dryRun<J extends object>(
  out: Output,
  steps: Plan,
  heading: string,
  force: boolean | undefined,
  json: J,
  withDiffs = true,
): Promise<{ exitCode: number; json: J & { ok: boolean; dryRun: true; diffs: Record<string, string> } }> {
  printPlan(
    out,
    steps.filter((e) => e.action !== 'unchanged'),
    heading,
  );
  const diffs: Record<string, string> = {};
  if (withDiffs) for (const e of steps.filter((s) => writes(s, true))) diffs[e.path] = await unifiedDiff(e);
  for (const d of Object.values(diffs)) out.line(`\n${d.replace(/\n$/, '')}`);
  out.line(`\n${counts(steps)}.`);
  const conflicts = conflictsOf(steps);
  if (conflicts.length > 0 && !force) throw conflictError(steps, true);
  const ok = conflicts.length === 0;
  return { exitCode: ok ? EXIT.ok : EXIT.failure, json: { ...json, ok, dryRun: true, diffs } };
}
