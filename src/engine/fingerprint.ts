/**
 * The fingerprint of the templates this CLI renders with, recorded in `.mcp-prod.json`: two builds of one version
 * whose templates differ have different fingerprints, so `upgrade` and `add` can tell that a project was made by
 * other templates than theirs even when the version is the same (docs/ARCHITECTURE.md, "Merge rules").
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPLATES_DIR } from '../meta.js';

let cached: string | undefined;

/** sha256 over every file of templates/ (its path and its bytes, in path order), computed once per run. */
export function templatesFingerprint(dir = TEMPLATES_DIR): string {
  if (cached !== undefined && dir === TEMPLATES_DIR) return cached;
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
  const h = createHash('sha256');
  for (const file of files)
    h.update(`${file}\0`)
      .update(readFileSync(path.join(dir, file)))
      .update('\0');
  const fingerprint = `sha256-${h.digest('base64')}`;
  if (dir === TEMPLATES_DIR) cached = fingerprint;
  return fingerprint;
}
