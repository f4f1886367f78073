import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { optionDefaults, TRANSPORTS } from '../../src/answers.js';
import { AUTH_KINDS, STORES } from '../space.js';
import type { EnvSection } from '../../src/feature-api.js';
import { BASE, feature, FEATURE_IDS, FEATURES, withRequired, type FeatureId } from '../../src/features.js';
import { render, templateContext, wrap, type RenderedVar } from '../../src/engine/render.js';
import { ROOT } from '../helpers.js';

// The feature module contract (docs/ARCHITECTURE.md, docs/TEMPLATES.md): one folder per feature, registered once,
// contributing only to named places that exist.
const TEMPLATES = path.join(ROOT, 'templates');

async function files(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await files(dir, rel)));
    else out.push(rel);
  }
  return out;
}

const base = {
  ...optionDefaults(),
  name: 'app',
  description: 'd',
  transport: 'http',
  auth: 'apikey',
  store: 'memory',
  runtime: 'node',
  pm: 'npm',
} as const;

describe('feature modules', () => {
  it('every folder of templates/ but base is a registered feature with a feature.ts, and the reverse', async () => {
    const folders = (await readdir(TEMPLATES, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && e.name !== 'base')
      .map((e) => e.name)
      .sort();
    expect(folders).toEqual([...FEATURE_IDS].sort());
    for (const id of FEATURE_IDS) {
      const def = (await import(path.join(TEMPLATES, id, 'feature.ts'))) as { default: { id: string } };
      expect(def.default.id).toBe(id);
    }
  });

  it('every slot a feature fills is a named place of some template, and every named place exists', async () => {
    const used = new Set<string>();
    const filled = new Map<string, string[]>();
    for (const layer of ['base', ...FEATURE_IDS]) {
      for (const file of await files(path.join(TEMPLATES, layer))) {
        const text = await readFile(path.join(TEMPLATES, layer, file), 'utf8');
        for (const m of text.matchAll(/\{\{#?>\s*([\w.-]+)\s*\}\}/g)) used.add(m[1]!);
        const slot = /^slots\/(.+)\.hbs$/.exec(file);
        if (slot) filled.set(slot[1]!, [...(filled.get(slot[1]!) ?? []), layer]);
      }
    }
    const orphans = [...filled].filter(([name]) => !used.has(name)).map(([name, by]) => `${name} (${by.join(', ')})`);
    expect(orphans, 'slots filled but used nowhere').toEqual([]);
    const unfilled = [...used].filter((name) => !filled.has(name));
    expect(unfilled, 'named places no feature fills').toEqual([]);
  });

  it('environment variables are declared once', () => {
    const names = FEATURES.flatMap((f) => f.env.flatMap((s) => s.vars.map((v) => v.name)));
    expect(new Set(names).size).toBe(names.length);
  });

  it('every setting, the base ones included, reaches config.ts, .env.example and the README with its description', async () => {
    /** The .env.example lines of a variable: its description as comment lines, then `NAME=` (commented out unless required). */
    const envExampleEntry = (v: RenderedVar) =>
      `${wrap(v.description, '# ', '# ')}\n${v.required ? '' : '# '}${v.name}=${v.example}\n`;
    const checked = new Set<string>();
    for (const transport of TRANSPORTS) {
      const fits = FEATURE_IDS.filter((id) => transport !== 'stdio' || !feature(id).httpOnly);
      for (const features of [[], ...fits.map((id) => withRequired([id]))]) {
        for (const [auth, store] of AUTH_KINDS.flatMap((k) => STORES.map((st) => [k, st] as const))) {
          const a = { ...base, transport, features, auth, store };
          const ctx = templateContext(a);
          const declared = (
            [
              ...BASE.env.first,
              ...FEATURES.filter((f) => features.includes(f.id)).flatMap((f) => f.env),
              ...BASE.env.last,
            ] as EnvSection[]
          )
            .filter((s) => s.when?.(ctx) ?? true)
            .flatMap((s) => s.vars.filter((v) => v.when?.(ctx) ?? true));
          // The engine's list is the declarations: none lost, none invented.
          expect(
            ctx.env.vars.map((v) => v.name),
            `${transport} ${features}`,
          ).toEqual(declared.map((v) => v.name));
          const tree = await render(a);
          const example = tree['.env.example']!;
          const readme = tree['README.md']!;
          for (const v of ctx.env.vars) {
            const where = `${transport} ${features.join(',') || 'base'}: ${v.name}`;
            expect(v.description.length, `${where} has a description`).toBeGreaterThan(10);
            expect(tree['src/config.ts'], `${where} in config.ts`).toContain(`  ${v.name}: `);
            expect(example, `${where} in .env.example with its description`).toContain(envExampleEntry(v));
            expect(readme, `${where} in the README with its description`).toContain(`${wrap(v.readme, '- ', '  ')}\n`);
            checked.add(v.name);
          }
        }
      }
    }
    const all = [BASE.env.first, ...FEATURES.map((f) => f.env), BASE.env.last].flatMap((sections) =>
      sections.flatMap((s) => s.vars.map((v) => v.name)),
    );
    expect(
      all.filter((n) => !checked.has(n)),
      'settings never rendered',
    ).toEqual([]);
  });

  it('a feature adds its settings only with it', async () => {
    for (const f of FEATURES) {
      const without = await render({ ...base, features: [] });
      for (const v of f.env.filter((s) => !s.when).flatMap((s) => s.vars.filter((v) => !v.when)))
        expect(without['src/config.ts'], `${f.id}: ${v.name}`).not.toContain(`  ${v.name}:`);
    }
  });
});

describe('requires', () => {
  it('brings in what a feature requires, transitively, in registry order', () => {
    const requiresOf = (id: FeatureId): FeatureId[] =>
      (({ metrics: ['health'], health: ['logging'] }) as Record<string, FeatureId[]>)[id] ?? [];
    expect(withRequired(['metrics', 'cache'], requiresOf)).toEqual(['cache', 'logging', 'metrics', 'health']);
    expect(withRequired(['docker'], requiresOf)).toEqual(['docker']);
    expect(withRequired(['tests', 'auth'])).toEqual(['auth', 'tests']);
  });
});
