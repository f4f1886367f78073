import type { Plan } from '../engine/plan.js';
import { colors, type Output } from '../output.js';

const LABEL: Record<string, (s: string) => string> = {
  create: colors.green,
  update: colors.yellow,
  merge: colors.cyan,
  keep: colors.dim,
  unchanged: colors.dim,
  conflict: colors.red,
};

export function printPlan(out: Output, entries: Plan, title: string): void {
  out.line(title);
  for (const e of entries) {
    const label = (LABEL[e.action] ?? String)(e.action.padEnd(9));
    out.line(`  ${label} ${e.path}${e.note ? colors.dim(`  (${e.note})`) : ''}`);
  }
}

export function planSummary(entries: Plan): { path: string; action: string; note?: string }[] {
  return entries.map((e) => ({ path: e.path, action: e.action, ...(e.note ? { note: e.note } : {}) }));
}
