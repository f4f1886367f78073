import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
type TemplateSpecification = ReturnType<typeof import('handlebars').precompile>;
import type { Answers } from '../answers.js';
import { BASE, HTTP, REDIS, feature, FEATURE_IDS, storeUsers, type Deps } from '../features.js';
import { GENERATOR, PRECOMPILED, TEMPLATES_DIR } from '../meta.js';
import { runScript } from '../pm.js';

/** A rendered project: POSIX relative path -> file content. Ordered by path. */
export type FileTree = Record<string, string>;

export interface TemplateContext {
  name: string;
  description: string;
  transport: Answers['transport'];
  http: boolean;
  stdio: boolean;
  both: boolean;
  features: Record<(typeof FEATURE_IDS)[number], boolean>;
  auth: Answers['auth'] | false;
  apikey: boolean;
  oauth: boolean;
  store: Answers['store'];
  redis: boolean;
  pm: Answers['pm'];
  run: string;
  generator: { name: string; version: string };
}

/** The context every template sees (docs/TEMPLATES.md). */
export function templateContext(a: Answers): TemplateContext {
  const has = (id: (typeof FEATURE_IDS)[number]) => a.features.includes(id);
  const features = Object.fromEntries(FEATURE_IDS.map((id) => [id, has(id)])) as TemplateContext['features'];
  const auth = has('auth') ? a.auth : false;
  return {
    name: a.name,
    description: a.description,
    transport: a.transport,
    http: a.transport !== 'stdio',
    stdio: a.transport !== 'http',
    both: a.transport === 'both',
    features,
    auth,
    apikey: auth === 'apikey',
    oauth: auth === 'oauth',
    store: a.store,
    redis: a.store === 'redis' && storeUsers(a.features).length > 0,
    pm: a.pm,
    run: runScript(a.pm),
    generator: { ...GENERATOR },
  };
}

interface Template {
  /** Output path before the `_` -> `.` rename. */
  source: string;
  render: (ctx: TemplateContext) => string;
}

const layerCache = new Map<string, Promise<Template[]>>();

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out.sort();
}

type RawTemplate = [file: string, body: string | TemplateSpecification];

/** Reads a layer from templates/: each file with its text (a .hbs file's text is compiled below). */
async function readLayer(layer: string): Promise<RawTemplate[]> {
  const dir = path.join(TEMPLATES_DIR, layer);
  return Promise.all(
    (await listFiles(dir)).map(async (file): Promise<RawTemplate> => [
      file,
      await readFile(path.join(dir, file), 'utf8'),
    ]),
  );
}

/**
 * The built CLI ships dist/templates.mjs, made from templates/ by scripts/precompile-templates.mjs: loading
 * precompiled templates with handlebars/runtime saves compiling them on every run (bench/cli.mjs). Code run from
 * src/ (the tests) always reads templates/ itself, so it can never see a stale build.
 */
let precompiled: Promise<Record<string, RawTemplate[]> | undefined> | undefined;
function precompiledLayers() {
  precompiled ??= PRECOMPILED
    ? import(pathToFileURL(PRECOMPILED).href).then(
        (mod: { default: Record<string, RawTemplate[]> }) => mod.default,
        () => undefined,
      )
    : Promise.resolve(undefined);
  return precompiled;
}

async function loadLayer(layer: string): Promise<Template[]> {
  const built = await precompiledLayers();
  const raw = built ? (built[layer] ?? []) : await readLayer(layer);
  const needsHandlebars = raw.some(([file]) => file.endsWith('.hbs'));
  const H = needsHandlebars ? await handlebars(Boolean(built)) : undefined;
  return raw.map(([file, body]): Template => {
    if (!file.endsWith('.hbs')) return { source: file, render: () => body as string };
    const compiled = typeof body === 'string' ? H!.compile(body, { strict: true, noEscape: true }) : H!.template(body);
    return {
      source: file.slice(0, -'.hbs'.length),
      render: (ctx) => {
        try {
          return compiled(ctx);
        } catch (err) {
          throw new Error(`template ${layer}/${file}: ${(err as Error).message}`);
        }
      },
    };
  });
}

type HandlebarsInstance = typeof import('handlebars');
let hbs: Promise<HandlebarsInstance> | undefined;
/** The full compiler from templates/, or only the runtime for precompiled templates. */
function handlebars(runtimeOnly: boolean) {
  hbs ??= (runtimeOnly ? import('handlebars/runtime') : import('handlebars')).then((mod) => {
    const H = ((mod as { default?: unknown }).default ?? mod) as HandlebarsInstance;
    const instance = H.create();
    instance.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    instance.registerHelper('not', (a: unknown) => !a);
    instance.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
    instance.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
    instance.registerHelper('json', (v: unknown) => JSON.stringify(v));
    return instance;
  });
  return hbs;
}

/** `_gitignore` -> `.gitignore`, `_github/x` -> `.github/x`: npm strips some dotfiles from packages. */
export function outputPath(source: string): string {
  return source
    .split('/')
    .map((seg) => (seg.startsWith('_') ? `.${seg.slice(1)}` : seg))
    .join('/');
}

function sorted(deps: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function withDependencies(json: string, a: Answers, ctx: TemplateContext): string {
  const pkg = JSON.parse(json) as Record<string, unknown>;
  const sets: { dependencies: Deps; devDependencies: Deps }[] = [BASE, ...a.features.map(feature)];
  if (ctx.http) sets.push(HTTP);
  if (ctx.redis) sets.push(REDIS);
  const dependencies = Object.assign({}, ...sets.map((s) => s.dependencies)) as Record<string, string>;
  const devDependencies = Object.assign({}, ...sets.map((s) => s.devDependencies)) as Record<string, string>;
  const out: Record<string, unknown> = {
    ...pkg,
    dependencies: sorted(dependencies),
    devDependencies: sorted(devDependencies),
  };
  if (Object.keys(devDependencies).length === 0) delete out.devDependencies;
  return `${JSON.stringify(out, null, 2)}\n`;
}

/**
 * render(answers) -> file tree (DESIGN.md §4). Pure: templates + answers in, `{path: content}` out; the only I/O
 * is reading templates. A file whose render is blank is not generated.
 */
export async function render(a: Answers): Promise<FileTree> {
  const ctx = templateContext(a);
  const layers = ['base', ...a.features];
  const loaded = await Promise.all(
    layers.map((layer) => {
      let p = layerCache.get(layer);
      if (!p) layerCache.set(layer, (p = loadLayer(layer)));
      return p;
    }),
  );
  const tree: FileTree = {};
  const owner: Record<string, string> = {};
  loaded.forEach((templates, i) => {
    for (const t of templates) {
      const out = outputPath(t.source);
      if (owner[out]) throw new Error(`templates ${owner[out]} and ${layers[i]} both write ${out}`);
      owner[out] = layers[i]!;
      let content = t.render(ctx);
      if (content.trim() === '') continue;
      if (out === 'package.json') content = withDependencies(content, a, ctx);
      tree[out] = content;
    }
  });
  return Object.fromEntries(Object.entries(tree).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}
