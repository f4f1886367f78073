import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAnswers, TRANSPORTS, valuesOf, type Answers } from '../../src/answers.js';
import { buildManifest, MANIFEST, serializeManifest } from '../../src/engine/manifest.js';
import { render, type FileTree } from '../../src/engine/render.js';
import { feature, FEATURE_IDS, optionFlag, OPTIONS, withRequired } from '../../src/features.js';
import { GENERATOR } from '../../src/meta.js';
import { helmTemplate, removeDir, ROOT, tempDir, templateSyntax } from '../helpers.js';
import {
  accepted,
  AUTH_KINDS,
  STORES,
  storeUsers,
  allPairs,
  answerSpace,
  authMatters,
  comboId,
  DESCRIPTION,
  feasible,
  featureSets,
  matters,
  valueOf,
  NAME,
  pairsOf,
  pairwiseSet,
  pmProjects,
  snapshotProjects,
  storeMatters,
  SUITE,
  testedSet,
} from '../space.js';

/**
 * Every combination of answers the CLI accepts (test/space.ts) is rendered and checked against the output rules of
 * docs/TEMPLATES.md: no template debris, Prettier-clean with the project's own config, a valid package.json, and
 * a manifest that matches the files. No install: this runs in well under a minute. Installing, type-checking and
 * running the generated tests of covering sets is test/e2e/combinations.test.ts.
 */

const space = answerSpace();
const projects = [...space, ...pmProjects()];
/** Combinations whose Markdown is also checked whole (see piecesToCheck). */
const wholeToo = new Set([...pairwiseSet(space), ...pmProjects(), ...Object.values(snapshotProjects())].map(comboId));

describe('the answer space (test/space.ts)', () => {
  it('is combinations the CLI accepts, each recorded as the CLI records it', async () => {
    const ids = new Set(space.map(comboId));
    expect(ids.size, 'ids are unique').toBe(space.length);
    // Each checked combination, given as flags to the CLI's own answer resolution, comes back as itself.
    for (const a of space) {
      const resolve = (more: Record<string, string | undefined>) =>
        resolveAnswers(
          {
            directory: NAME,
            description: DESCRIPTION,
            transport: a.transport,
            pm: a.pm,
            features: a.features.join(','),
            runtime: a.runtime,
            yes: true,
            ...more,
          },
          { cwd: '/tmp', env: {}, interactive: false },
        );
      const got = await resolve(
        Object.fromEntries(OPTIONS.map((o) => [o.id, matters(o, a) ? valueOf(a, o) : undefined])),
      );
      expect(comboId(got.answers), comboId(a)).toBe(comboId(a));
      expect(got.answers).toEqual(a);
      // An option is an answer only where a chosen feature uses it; elsewhere its flag is refused.
      for (const o of OPTIONS.filter((x) => !matters(x, a))) {
        const other = valuesOf(o).find((v) => v !== o.default)!;
        await expect(resolve({ [o.id]: other })).rejects.toThrow(`${optionFlag(o)} answers`);
      }
    }
    // What it leaves out is what the CLI refuses or completes: an HTTP-only feature on stdio, a feature without
    // what it requires.
    for (const id of FEATURE_IDS) {
      for (const transport of TRANSPORTS) {
        const got = await resolveAnswers(
          { directory: NAME, transport, features: id, yes: true },
          { cwd: '/tmp', env: {}, interactive: false },
        ).catch(() => undefined);
        expect(got === undefined, `${transport}: ${id} refused`).toBe(!accepted(transport, withRequired([id])));
        if (got) expect(accepted(transport, got.answers.features), `${transport}: ${id}`).toBe(true);
      }
    }
    console.log(
      `answer space: ${space.length} combinations (${TRANSPORTS.map((t) => `${t}: ${featureSets(t).length} feature sets`).join(', ')}; ${FEATURE_IDS.length} features), + ${pmProjects().length} with other package managers`,
    );
  });

  it("is counted right in this repository's README", async () => {
    const readme = (await readFile(path.join(ROOT, 'README.md'), 'utf8')).replace(/\s+/g, ' ');
    expect(readme).toContain(`${projects.length} projects with the other package managers`);
    expect(readme).toContain(`an all-pairs covering set (${pairwiseSet(space).length} projects`);
  });

  it('holds every pair of option values that any accepted combination holds', () => {
    const had = new Set(space.flatMap(pairsOf));
    const missing = allPairs()
      .filter(([x, y]) => feasible([x!, y!]))
      .map(([x, y]) => `${x} & ${y}`)
      .filter((pair) => !had.has(pair));
    expect(missing).toEqual([]);
    // and none that no accepted combination holds: the rule above is not vacuous.
    for (const pair of had) expect(feasible(pair.split(' & ')), pair).toBe(true);
    const httpOnly = FEATURE_IDS.find((id) => feature(id).httpOnly);
    if (httpOnly) expect(feasible(['transport=stdio', `${httpOnly}=on`])).toBe(false);
  });

  it('has covering sets that cover', () => {
    const pairs = pairwiseSet(space);
    const all = new Set(space.flatMap(pairsOf));
    const had = new Set(pairs.flatMap(pairsOf));
    expect([...all].filter((p) => !had.has(p))).toEqual([]);
    const tested = testedSet(space);
    expect(tested.every((a) => a.features.includes(SUITE))).toBe(true);
    for (const t of TRANSPORTS) {
      for (const id of FEATURE_IDS.filter((f) => f !== SUITE)) {
        const on = tested.some((a) => a.transport === t && a.features.includes(id));
        const off = tested.some((a) => a.transport === t && !a.features.includes(id));
        expect(off, `${t}: ${id} off`).toBe(true);
        expect(on, `${t}: ${id} on`).toBe(t !== 'stdio' || !feature(id).httpOnly);
      }
    }
    for (const auth of AUTH_KINDS)
      expect(
        tested.some((a) => authMatters(a) && a.auth === auth),
        auth,
      ).toBe(true);
    for (const id of storeUsers(FEATURE_IDS)) {
      for (const store of STORES) {
        expect(
          tested.some((a) => a.features.includes(id) && a.store === store),
          `${id} on ${store}`,
        ).toBe(true);
      }
    }
    console.log(
      `covering sets: ${pairs.length} projects for all pairs (${all.size} pairs), ${tested.length} with tests run`,
    );
  });
});

/** A problem found in some combinations: the file, what is wrong, which combinations, and one example. */
class Problems {
  private byKey = new Map<string, { combos: string[]; example: string }>();
  add(file: string, what: string, combo: string, example = ''): void {
    const key = `${file}: ${what}`;
    const entry = this.byKey.get(key) ?? { combos: [], example };
    entry.combos.push(combo);
    this.byKey.set(key, entry);
  }
  /** One line per problem, readable in a failing assertion: how many combinations, which, an example line. */
  report(): string[] {
    return [...this.byKey].map(([key, { combos, example }]) => {
      const shown = combos.slice(0, 3).join(', ') + (combos.length > 3 ? ', ...' : '');
      return `${key} in ${combos.length} of ${projects.length} combinations (${shown})${example ? ` e.g. ${JSON.stringify(example)}` : ''}`;
    });
  }
}

const sha = (s: string) => createHash('sha256').update(s).digest('base64');

/** The first line matching `re`, for a readable report. */
const lineOf = (content: string, re: RegExp) => content.split('\n').find((l) => re.test(l)) ?? '';

/** Template debris in a rendered file (docs/TEMPLATES.md, "File rules"): what is wrong, with an example line. */
export function debrisIn(content: string, file = ''): { what: string; example?: string }[] {
  const out: { what: string; example?: string }[] = [];
  const leftover = templateSyntax(content, file);
  if (leftover !== undefined) out.push({ what: 'template syntax left over', example: leftover });
  if (content.trim() === '') out.push({ what: 'empty' });
  if (/\n[ \t]*\n[ \t]*\n/.test(content)) out.push({ what: 'two or more blank lines in a row' });
  if (/^[ \t]*\n/.test(content)) out.push({ what: 'starts with a blank line' });
  if (/[ \t]+$/m.test(content)) out.push({ what: 'trailing whitespace', example: lineOf(content, /[ \t]+$/) });
  if (!content.endsWith('\n')) out.push({ what: 'no final newline' });
  return out;
}

describe('the debris check', () => {
  it('finds what it looks for, and accepts GitHub Actions expressions', () => {
    const found = (s: string) => debrisIn(s).map((d) => d.what);
    expect(found('a\n')).toEqual([]);
    expect(found('run: ${{ matrix.node }}\n')).toEqual([]);
    expect(found('a {{name}}\n')).toEqual(['template syntax left over']);
    expect(found('a }}\n')).toEqual(['template syntax left over']);
    expect(found(`call '{"query":{"area":"CA"}}'\n`)).toEqual([]);
    expect(found(`call '{"query":{"area":"CA"}}}'\n`)).toEqual(['template syntax left over']);
    expect(found(' \n')).toContain('empty');
    expect(found('a\n\n\nb\n')).toEqual(['two or more blank lines in a row']);
    expect(found('a\n \n\t\nb\n')).toContain('two or more blank lines in a row');
    expect(found('\na\n')).toEqual(['starts with a blank line']);
    expect(found('a \nb\n')).toEqual(['trailing whitespace']);
    expect(found('a')).toEqual(['no final newline']);
  });
});

describe(`every combination renders clean (${projects.length} projects)`, () => {
  const failures = new Problems();
  const debris = new Problems();
  const pkgs = new Problems();
  const manifests = new Problems();
  const irrelevant = new Problems();
  const formatting = new Problems();
  /** Distinct (prettier config, path, content) to check once: key -> what is needed to check and report it. */
  const unique = new Map<string, { config: string; file: string; content: string; combos: string[] }>();
  const configs = new Map<string, FileTree>();
  /** Paths Prettier leaves alone (no parser for them, or ignored by the project). */
  const notChecked = new Set<string>();
  const time: Record<string, number> = {};
  let renders = 0;
  let files = 0;
  let work: string;

  beforeAll(async () => {
    work = await tempDir('cmp-space-');
    let t = performance.now();
    for (const a of projects) {
      const combo = comboId(a);
      const tree = await render(a).catch((err: Error) => {
        failures.add('(render)', `throws: ${err.message.split('\n')[0]}`, combo);
        return undefined;
      });
      if (!tree) continue;
      renders++;
      checkDebris(tree, combo);
      checkPackageJson(a, tree, combo);
      const manifest = checkManifest(a, tree, combo);
      // Options that do not matter change nothing: the other auth kind without auth, the other store without a
      // feature that uses it (docs/TEMPLATES.md: `auth` is false, `redis` is false).
      for (const other of [
        ...(authMatters(a) ? [] : AUTH_KINDS.filter((k) => k !== a.auth).map((auth) => ({ ...a, auth }))),
        ...(storeMatters(a) ? [] : STORES.filter((s) => s !== a.store).map((store) => ({ ...a, store }))),
      ]) {
        const again = await render(other).catch((err: Error) => {
          failures.add('(render)', `throws with --auth ${other.auth} --store ${other.store}: ${err.message}`, combo);
          return tree;
        });
        renders++;
        const changed = [...new Set([...Object.keys(tree), ...Object.keys(again)])].filter((f) => tree[f] !== again[f]);
        for (const f of changed) irrelevant.add(f, `differs with --auth ${other.auth} --store ${other.store}`, combo);
      }
      // Prettier: the project as written, manifest included; each distinct file checked once.
      const config = projectConfig(tree);
      configs.set(config.key, config.files);
      for (const [file, whole] of Object.entries({ ...tree, [MANIFEST]: manifest })) {
        files++;
        for (const content of piecesToCheck(file, whole, wholeToo.has(combo), combo)) {
          const key = `${config.key}\0${file}\0${sha(content)}`;
          const u = unique.get(key);
          if (u) u.combos.push(combo);
          else unique.set(key, { config: config.key, file, content, combos: [combo] });
        }
      }
    }
    time.render = performance.now() - t;

    t = performance.now();
    for (const [key, files] of configs) {
      const dir = path.join(work, key);
      for (const [file, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await writeFile(path.join(dir, file), content);
      }
    }
    const options = new Map<string, prettier.Options | null>();
    for (const u of unique.values()) {
      const dir = path.join(work, u.config);
      const filepath = path.join(dir, u.file);
      const optKey = `${u.config}\0${u.file}`;
      let opts = options.get(optKey);
      if (opts === undefined) {
        // As `prettier --check .` in the project would: its ignore files, its config, the parser its name implies.
        const info = await prettier.getFileInfo(filepath, {
          ignorePath: [path.join(dir, '.gitignore'), path.join(dir, '.prettierignore')],
          resolveConfig: true,
        });
        opts =
          info.ignored || !info.inferredParser
            ? null
            : { ...(await prettier.resolveConfig(filepath, { editorconfig: true })), filepath };
        options.set(optKey, opts);
      }
      if (!opts) {
        notChecked.add(u.file);
        continue;
      }
      const ok = await prettier.check(u.content, opts).catch((err: Error) => {
        for (const c of u.combos) formatting.add(u.file, `Prettier cannot parse it (${err.message.split('\n')[0]})`, c);
        return true;
      });
      if (!ok) {
        const formatted = await prettier.format(u.content, opts);
        const a = u.content.split('\n');
        const b = formatted.split('\n');
        const at = a.findIndex((line, i) => line !== b[i]);
        for (const c of u.combos) formatting.add(u.file, 'not Prettier-formatted', c, `line ${at + 1}: ${a[at]}`);
      }
    }
    time.prettier = performance.now() - t;
    time.distinct = unique.size;
  }, 300_000);

  afterAll(async () => {
    console.log(
      `rendered ${renders} trees (${projects.length} combinations + option variants), ${files} files, in ${Math.round(time.render ?? 0)} ms; ` +
        `Prettier checked ${time.distinct ?? 0} distinct files in ${Math.round(time.prettier ?? 0)} ms`,
    );
    if (work) await removeDir(work);
  });

  function checkDebris(tree: FileTree, combo: string): void {
    for (const [file, content] of Object.entries(tree)) {
      for (const d of debrisIn(content, file)) debris.add(file, d.what, combo, d.example);
    }
  }

  function checkPackageJson(a: Answers, tree: FileTree, combo: string): void {
    const text = tree['package.json'];
    if (text === undefined) return pkgs.add('package.json', 'missing', combo);
    let pkg: { name?: string; description?: string; dependencies?: Record<string, string> };
    try {
      pkg = JSON.parse(text);
    } catch (err) {
      return pkgs.add('package.json', `invalid JSON (${(err as Error).message})`, combo);
    }
    if (pkg.name !== a.name) pkgs.add('package.json', 'name is not the answer', combo);
    if (pkg.description !== a.description) pkgs.add('package.json', 'description is not the answer', combo);
    for (const id of a.features) {
      for (const [dep, range] of Object.entries(feature(id).dependencies)) {
        if (pkg.dependencies?.[dep] !== range) pkgs.add('package.json', `lacks ${dep}@${range} (${id})`, combo);
      }
    }
  }

  /** The manifest the engine writes for this tree: every file, each with the sha256 of its content. */
  function checkManifest(a: Answers, tree: FileTree, combo: string): string {
    const m = buildManifest(a, tree);
    const serialized = serializeManifest(m);
    if (tree[MANIFEST] !== undefined) manifests.add(MANIFEST, 'rendered by a template (the engine writes it)', combo);
    if (JSON.stringify(m.answers) !== JSON.stringify(a)) manifests.add(MANIFEST, 'answers differ', combo);
    if (JSON.stringify(m.generator) !== JSON.stringify(GENERATOR)) manifests.add(MANIFEST, 'generator differs', combo);
    const listed = Object.keys(m.files).sort();
    const rendered = Object.keys(tree).sort();
    if (JSON.stringify(listed) !== JSON.stringify(rendered)) manifests.add(MANIFEST, 'file list differs', combo);
    for (const [file, content] of Object.entries(tree)) {
      if (m.files[file] !== `sha256-${sha(content)}`) manifests.add(MANIFEST, `wrong hash for ${file}`, combo);
    }
    if (JSON.stringify(JSON.parse(serialized)) !== JSON.stringify(m))
      manifests.add(MANIFEST, 'does not round-trip', combo);
    return serialized;
  }

  /**
   * What to give Prettier for one file. Markdown is slow to format and every combination has its own README, but
   * its sections repeat: a Markdown file is checked section by section (split before each heading outside code
   * fences; Prettier prints top-level blocks independently, one blank line apart), and whole for a sample of
   * combinations (the covering sets and the snapshots), which guards the split.
   */
  function piecesToCheck(file: string, content: string, whole: boolean, combo: string): string[] {
    if (!file.endsWith('.md')) return [content];
    const lines = content.split('\n');
    const sections: string[][] = [[]];
    let fence: string | undefined;
    lines.forEach((line, i) => {
      const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === undefined && marker) fence = marker;
      else if (fence !== undefined && marker?.startsWith(fence) && line.trim() === marker) fence = undefined;
      else if (fence === undefined && /^#{1,6}(\s|$)/.test(line) && i > 0) {
        if (lines[i - 1] !== '') formatting.add(file, 'no blank line before a heading', combo, line);
        sections.push([]);
      }
      sections.at(-1)!.push(line);
    });
    const pieces = sections.map((s) => `${s.join('\n').replace(/\n+$/, '')}\n`);
    // One blank line between sections and nothing lost: the pieces are the file.
    if (pieces.join('\n') !== content) formatting.add(file, 'sections do not rejoin into the file', combo);
    return whole ? [...pieces, content] : pieces;
  }

  /** The files that configure Prettier in a project, and a key for them (they may depend on the answers). */
  function projectConfig(tree: FileTree): { key: string; files: FileTree } {
    const files = Object.fromEntries(
      Object.entries(tree).filter(([f]) =>
        /^(\.prettierrc.*|prettier\.config\..*|\.prettierignore|\.gitignore|\.editorconfig)$/.test(f),
      ),
    );
    return {
      key: `config-${sha(JSON.stringify(files))
        .replace(/[^A-Za-z0-9]/g, '')
        .slice(0, 12)}`,
      files,
    };
  }

  it('renders every combination', () => {
    expect(failures.report()).toEqual([]);
  });
  it('has no template debris (docs/TEMPLATES.md)', () => {
    expect(debris.report()).toEqual([]);
  });
  it("is Prettier-clean with the project's own config", () => {
    expect(formatting.report()).toEqual([]);
  });
  it('checks every code, JSON, Markdown and YAML file with Prettier (the check is not vacuous)', () => {
    expect(unique.size).toBeGreaterThan(0);
    expect([...notChecked].filter((f) => /\.(ts|json|md|ya?ml)$/.test(f) && !helmTemplate(f))).toEqual([]);
  });
  it('has a valid package.json with the answers and the registry dependencies', () => {
    expect(pkgs.report()).toEqual([]);
  });
  it('has a manifest that matches the rendered files', () => {
    expect(manifests.report()).toEqual([]);
  });
  it('does not change with options that do not matter (auth without auth, store without a store user)', () => {
    expect(irrelevant.report()).toEqual([]);
  });
});
