import { randomBytes } from 'node:crypto';

/** The value in .env.example that create replaces with a fresh secret (docs/TEMPLATES.md). */
export const SECRET_PLACEHOLDER = 'replace-with-a-long-random-key';

function keyOf(line: string): string | undefined {
  return /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
}

/**
 * The .env to write, or undefined when nothing changes. A new .env is the example with fresh secrets; an existing
 * one is append-only: keys it lacks are added at the end, nothing it has is touched (issue 5).
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
