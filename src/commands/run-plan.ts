/**
 * The one orchestration every command that writes a project runs (docs/ARCHITECTURE.md, "Flow"): the plan printed
 * (or, with --dry-run, printed with its diffs and nothing more), refused on a conflict without --force, applied as
 * one transaction, then the install and, for a new project, git. Each command only builds its plan; the report
 * it returns has the same keys for `create`, `add`, `remove` and `upgrade`.
 */
import path from 'node:path';
import type { Answers } from '../answers.js';
import { apply, faultAfterFromEnv } from '../engine/apply.js';
import type { Plan } from '../engine/plan.js';
import { EXIT } from '../errors.js';
import type { FeatureId } from '../features.js';
import type { GitResult } from '../git.js';
import { install, installCancelled, type InstallResult } from '../install.js';
import { lockfile, runScript, type Pm } from '../pm.js';
import type { CommandResult, RunContext } from './create.js';
import {
  conflictError,
  conflictsOf,
  counts,
  dryRun as printDryRun,
  fileReport,
  printPlan,
  warnMarkers,
  type FileReport,
} from './report.js';

export type PlanCommand = 'create' | 'add' | 'remove' | 'upgrade' | 'add tool' | 'add resource' | 'add prompt';

/** What a command reports, in --json: the same keys for every command (null or empty where they do not apply). */
export interface Report {
  ok: boolean;
  command: PlanCommand;
  dryRun: boolean;
  directory: string;
  answers: Answers;
  /** Features this run added, removed, or was asked for and found already there / not there. */
  added: FeatureId[];
  removed: FeatureId[];
  alreadyPresent: FeatureId[];
  absent: FeatureId[];
  /** The generator versions (`upgrade`; `create` has no `from`), and where the base came from. */
  from: string | null;
  to: string;
  base: string | null;
  files: FileReport[];
  conflicts: string[];
  /** Files an earlier render made that this one does not (`upgrade` keeps them). */
  noLongerGenerated: string[];
  /** --dry-run: a unified diff per file that would change. */
  diffs: Record<string, string>;
  install: InstallResult;
  git: GitResult;
  nextSteps: string[];
  /** An interactive `create`: the command that does the same without questions. */
  reproduce: string | null;
  /** `add tool|resource|prompt`: what was generated (its kind, name and the answers that shaped it). */
  item: { kind: string; name: string; spec: unknown } | null;
}

export type ReportFacts = Partial<
  Pick<Report, 'added' | 'removed' | 'alreadyPresent' | 'absent' | 'from' | 'base' | 'noLongerGenerated' | 'item'>
> & { to: string };

export interface PlanRun {
  command: PlanCommand;
  root: string;
  answers: Answers;
  steps: Plan;
  /** The package manager of this run's install. */
  pm: Pm;
  dryRun?: boolean;
  force?: boolean;
  install: boolean;
  /** `create`: git init and a first commit of the written files. */
  git?: (files: string[]) => Promise<GitResult>;
  facts: ReportFacts;
  titles: { dryRun: string; refused: string; done: string };
  /** After the plan: what else to say (files no longer generated, the changelog). */
  notes?: string[];
  /** The steps after a good run (the install included when it did not run). */
  next: (installed: boolean) => string[];
  /** The line of counts after the plan (not for a generator, whose plan is its few files). */
  counts?: boolean;
  /** --dry-run prints a unified diff of every change (not for `create`: every file is new). */
  diffs?: boolean;
  /** Nothing to do (every requested feature already there, or not there): report it, and write nothing. */
  quiet?: boolean;
  /** How to show the next steps after a good run; by default one line, `Next: ...`. */
  printNext?: (next: string[]) => void;
  /** How to say a line of progress (a framed prompt session for an interactive `create`). */
  say?: (text: string) => void;
  /** Only the files that met the user's (`create` into a non-empty directory) are listed. */
  listOnly?: (steps: Plan) => Plan;
}

const NO_GIT: GitResult = { ran: false, committed: false, note: 'skipped' };

/** plan -> print or JSON -> apply -> install -> git, with one typed report. */
export async function runPlan(run: PlanRun, ctx: RunContext): Promise<CommandResult & { report: Report }> {
  const { out } = ctx;
  const { steps, root } = run;
  const conflicts = conflictsOf(steps);
  const dirArg = path.relative(ctx.cwd, root) || '.';
  const notInstalled: InstallResult = { ran: false, ok: true, command: `${run.pm} install` };
  const report: Report = {
    ok: true,
    command: run.command,
    dryRun: Boolean(run.dryRun),
    directory: root,
    answers: run.answers,
    added: [],
    removed: [],
    alreadyPresent: [],
    absent: [],
    from: null,
    base: null,
    noLongerGenerated: [],
    ...run.facts,
    files: fileReport(steps),
    conflicts,
    diffs: {},
    install: notInstalled,
    git: NO_GIT,
    nextSteps: [],
    reproduce: null,
    item: null,
    ...(run.facts.item ? { item: run.facts.item } : {}),
  };
  const finish = (ok: boolean) => ({ exitCode: ok ? EXIT.ok : EXIT.failure, json: { ...report, ok }, report });

  if (run.quiet) return finish(true);
  const shown = run.listOnly ? run.listOnly(steps) : steps.filter((e) => e.action !== 'unchanged');
  if (run.dryRun) {
    const { json } = await printDryRun(out, steps, run.titles.dryRun, run.force, report, run.diffs ?? true);
    Object.assign(report, { diffs: json.diffs });
    return finish(json.ok);
  }
  if (conflicts.length > 0 && !run.force) {
    printPlan(out, shown, run.titles.refused);
    throw conflictError(steps);
  }

  const written = await apply(root, steps, { force: run.force, faultAfter: faultAfterFromEnv(ctx.env) });
  const say = run.say ?? ((text: string) => out.line(text));
  const done = run.titles.done.replace('{written}', String(written.length));
  if (run.listOnly) {
    say(done);
    if (shown.length > 0) printPlan(out, shown, 'Files that were already there:');
  } else {
    printPlan(out, shown, done);
    if (run.counts !== false) out.line(`${counts(steps)}.`);
  }
  for (const line of run.notes ?? []) out.line(line);
  if (conflicts.length > 0) warnMarkers(out, conflicts);

  if (run.install) report.install = await install(root, run.pm, out);
  if (report.install.cancelled) {
    throw installCancelled(
      dirArg,
      run.command === 'create' ? `The project was kept in ${root}, without its dependencies.` : 'Your files were kept.',
      report.install.command,
    );
  }
  if (run.git) {
    report.git =
      conflicts.length > 0
        ? { ran: false, committed: false, note: 'skipped: resolve the conflict markers first, then run git init' }
        : await run.git([...steps.filter((e) => e.action !== 'delete').map((e) => e.path), lockfile(run.answers.pm)]);
    say(`Git: ${report.git.note}.`);
  }
  if (!report.install.ok) {
    out.error(`Dependencies did not install (${report.install.command}):\n${report.install.error ?? ''}`);
    out.line(`Your files were kept. Retry with:\n  cd ${dirArg} && ${report.install.command}`);
    report.nextSteps = [`cd ${dirArg}`, report.install.command];
  } else {
    report.nextSteps = run.next(run.install);
    if (conflicts.length === 0) (run.printNext ?? ((next) => out.line(`\nNext: ${next.join('; ')}`)))(report.nextSteps);
  }
  return finish(report.install.ok && conflicts.length === 0);
}

/** "review the changes (git diff), then npm install && npm run build": the next step after add, remove, upgrade. */
export function reviewNext(pm: Pm, installed: boolean): string[] {
  return [`review the changes (git diff), then ${installed ? '' : `${pm} install && `}${runScript(pm)} build`];
}
