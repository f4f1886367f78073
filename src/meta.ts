import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder above this module that holds templates/ (works from src/ and dist/). */
export const PACKAGE_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'templates', 'base')) && existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error('create-mcp-prod: templates/ not found next to the CLI; the package is damaged.');
    dir = parent;
  }
})();

export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, 'templates');

const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

export const GENERATOR = { name: pkg.name, version: pkg.version } as const;

/** Precompiled templates, when this code runs from the built bundle (dist/); undefined when run from src/. */
export const PRECOMPILED = /[\\/]dist[\\/]/.test(fileURLToPath(import.meta.url))
  ? path.join(PACKAGE_ROOT, 'dist', 'templates.mjs')
  : undefined;
