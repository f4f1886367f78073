import { createTwoFilesPatch } from 'diff';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/engine/render.js';
import { ROOT } from '../helpers.js';
import { comboId, snapshotProjects } from '../space.js';

/**
 * Committed snapshots of a few representative projects (test/space.ts snapshotProjects): what render() gives,
 * file by file, under test/snapshots/<name>/. A template change shows up here as a readable diff, to be reviewed
 * and committed with the change:
 *
 *   UPDATE_SNAPSHOTS=1 npx vitest run test/unit/space-snapshots.test.ts
 *
 * Each file is stored as `<path>.snap`, so that a snapshot's .gitignore, .prettierrc.json, workflows and
 * TypeScript files never act on this repository (git, Prettier, tsc). Names and descriptions are fixed and render
 * is pure (docs/TEMPLATES.md), so a snapshot changes only when the templates, the registry or the version do.
 */

const SNAPSHOTS = path.join(ROOT, 'test', 'snapshots');
const SUFFIX = '.snap';
const update = Boolean(process.env.UPDATE_SNAPSHOTS);

async function stored(dir: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, await stored(dir, r));
    else if (r.endsWith(SUFFIX)) out[r.slice(0, -SUFFIX.length)] = await readFile(path.join(dir, r), 'utf8');
  }
  return out;
}

describe('snapshots of representative projects (test/snapshots)', () => {
  it.each(Object.entries(snapshotProjects()))('%s', async (name, answers) => {
    const dir = path.join(SNAPSHOTS, name);
    const tree = await render(answers);
    expect(await render(answers), 'render is pure').toEqual(tree);
    if (update) {
      await rm(dir, { recursive: true, force: true });
      for (const [file, content] of Object.entries(tree)) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file + SUFFIX), content);
      }
      console.log(`test/snapshots/${name}: written (${comboId(answers)}, ${Object.keys(tree).length} files)`);
      return;
    }
    const before = await stored(dir);
    const problems: string[] = [];
    for (const file of Object.keys(before)) if (!(file in tree)) problems.push(`- ${file}: no longer generated`);
    for (const [file, content] of Object.entries(tree)) {
      if (!(file in before)) problems.push(`+ ${file}: newly generated`);
      else if (before[file] !== content)
        problems.push(createTwoFilesPatch(`a/${file}`, `b/${file}`, before[file]!, content, 'snapshot', 'render'));
    }
    expect(
      problems.length === 0,
      `test/snapshots/${name} (${comboId(answers)}) differs from the render:\n\n${problems.join('\n')}\n` +
        'If the change is intended: UPDATE_SNAPSHOTS=1 npx vitest run test/unit/space-snapshots.test.ts',
    ).toBe(true);
  });
});
