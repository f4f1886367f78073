/**
 * `.env`, the one generated file that holds the user's secrets: written once from `.env.example` by `create`, and
 * append-only afterwards (docs/ARCHITECTURE.md, "Merge rules"): no line the user has is ever changed or removed.
 */
import { randomBytes } from 'node:crypto';
import { lines, mergeText } from './merge.js';
import type { PlanEntry } from './plan.js';

/** The value in .env.example that is replaced with a fresh secret (docs/TEMPLATES.md). */
export const SECRET_PLACEHOLDER = 'replace-with-a-long-random-key';

function keyOf(line: string): string | undefined {
  return /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
}

/**
 * The .env to write, or undefined when nothing changes. A new .env is the example with fresh secrets; an existing
 * one gets the keys it lacks at the end, and nothing it has is touched.
 */
export function envFile(
  existing: string | undefined,
  example: string | undefined,
  secret = () => randomBytes(32).toString('base64url'),
): string | undefined {
  if (example === undefined) return undefined;
  const fill = (text: string) =>
    text.split(SECRET_PLACEHOLDER).reduce((acc, part, i) => (i === 0 ? part : acc + secret() + part), '');
  if (existing === undefined) return fill(example);
  const have = new Set(existing.split('\n').map(keyOf).filter(Boolean));
  const missing = example.split('\n').filter((line) => {
    const k = keyOf(line);
    return k !== undefined && !have.has(k);
  });
  if (missing.length === 0) return undefined;
  const sep = existing === '' || existing.endsWith('\n') ? '' : '\n';
  return `${existing}${sep}${fill(missing.join('\n'))}\n`;
}

/** True when every line of `ours` is still in `merged`, in order: the merge only inserted lines. */
function onlyInserts(ours: string, merged: string): boolean {
  const have = lines(merged);
  let i = 0;
  for (const line of lines(ours)) {
    while (i < have.length && have[i] !== line) i++;
    if (i++ >= have.length) return false;
  }
  return true;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Puts the placeholder back into the lines of .env where create put a secret, so that those lines read as
 * unchanged to the merge (a secret line next to a new section would otherwise conflict). Returns the secrets by line.
 */
function unfill(ours: string, example: string): { text: string; secrets: Map<string, string> } {
  const templates = lines(example)
    .filter((l) => l.includes(SECRET_PLACEHOLDER))
    .map((t) => ({ t, re: new RegExp(`^${t.split(SECRET_PLACEHOLDER).map(escape).join('\\S*')}$`) }));
  const secrets = new Map<string, string>();
  const text = lines(ours)
    .map((line) => {
      const hit = templates.find(({ t, re }) => !secrets.has(t) && re.test(line));
      if (!hit) return line;
      secrets.set(hit.t, line);
      return hit.t;
    })
    .join('');
  return { text, secrets };
}

/**
 * The settings the new features bring (lines of the new .env.example that the old one lacks) are inserted where
 * .env.example has them when a three-way merge can do that by insertion alone, else appended at the end. New secret
 * placeholders get fresh secrets; existing secrets stay. Returns undefined when nothing changes.
 */
export function mergeEnv(ours: string, baseExample: string, theirsExample: string): string | undefined {
  const { text, secrets } = unfill(ours, baseExample);
  const merged = mergeText(text, baseExample, theirsExample);
  if (merged.conflicts === 0) {
    const refilled = lines(merged.content)
      .map((line) => {
        const secret = secrets.get(line);
        if (secret === undefined) return line;
        secrets.delete(line);
        return secret;
      })
      .join('');
    if (onlyInserts(ours, refilled)) return refilled === ours ? undefined : envFile(undefined, refilled);
  }
  const had = new Set(lines(baseExample));
  const fresh = lines(theirsExample).filter((line) => !had.has(line));
  return fresh.length === 0 ? undefined : envFile(ours, fresh.join(''));
}

/**
 * The step for .env. A new project (no base render) gets one from the example, or keeps the user's with the missing
 * keys appended; a grown project gets the new settings merged in, and a .env the user removed stays removed.
 */
export function envStep(
  previous: string | undefined,
  baseExample: string | undefined,
  theirsExample: string | undefined,
  fresh: boolean,
): PlanEntry | undefined {
  if (theirsExample === undefined) return undefined;
  if (fresh) {
    const content = envFile(previous, theirsExample);
    if (previous === undefined) return { path: '.env', action: 'create', content: content! };
    if (content === undefined) return { path: '.env', action: 'unchanged', content: previous, previous };
    return { path: '.env', action: 'update', content, previous, note: 'missing settings added; yours untouched' };
  }
  if (theirsExample === baseExample) return undefined;
  if (previous === undefined)
    return { path: '.env', action: 'keep', content: '', note: 'no .env; .env.example lists the new settings' };
  const content = mergeEnv(previous, baseExample ?? '', theirsExample);
  if (content === undefined) return { path: '.env', action: 'unchanged', content: previous, previous };
  return { path: '.env', action: 'update', content, previous, note: 'new settings added; yours untouched' };
}
