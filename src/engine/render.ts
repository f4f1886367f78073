import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
type TemplateSpecification = ReturnType<typeof import('handlebars').precompile>;
import type { Answers } from '../answers.js';
import type { BaseDefinition, EnvSection, Text } from '../feature-api.js';
import {
  BASE,
  FEATURES,
  FEATURE_IDS,
  feature,
  optionApplies,
  OPTIONS,
  type Deps,
  type FeatureId,
} from '../features.js';
import { GENERATOR, PRECOMPILED, TEMPLATES_DIR } from '../meta.js';
import { runScript } from '../pm.js';
import { itemContext, itemPath, itemsByKind, type ItemContext, type ItemKind } from './items.js';
import COMPILE_OPTIONS from './handlebars-options.json' with { type: 'json' };

/** A rendered project: POSIX relative path -> file content. Ordered by path. */
export type FileTree = Record<string, string>;

export interface TemplateContext {
  name: string;
  /** `name` as a Kubernetes name (DNS label: a-z, 0-9, `-`; no scope): also the `[slug]` path segment. */
  slug: string;
  description: string;
  transport: Answers['transport'];
  http: boolean;
  stdio: boolean;
  both: boolean;
  features: Record<(typeof FEATURE_IDS)[number], boolean>;
  pm: Answers['pm'];
  run: string;
  generator: { name: string; version: string };
  /** The environment of the generated server, from the feature definitions (docs/ARCHITECTURE.md). */
  env: { sections: RenderedSection[]; vars: RenderedVar[] };
  /** The items `add tool|resource|prompt` added, by kind, in the order added: what the index templates list. */
  items: Record<ItemKind, ItemContext[]>;
  /**
   * From the options (src/feature-api.ts `defineOption`): `<option>` is its value where it applies, else false
   * (`auth`, `store`); each value is a boolean, true when it is the answer and applies (`apikey`, `oauth`,
   * `memory`, `redis`: Redis is the store and a chosen feature uses it).
   */
  [option: string]: unknown;
}

/** The context names the options give, checked against the core names once (a clash would be a silent bug). */
function optionContext(a: Answers): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const o of OPTIONS) {
    const applies = optionApplies(o, a.features);
    const value = (a as Record<string, unknown>)[o.id] as string;
    out[o.id] = applies ? value : false;
    for (const v of o.values) out[v.value] = applies && value === v.value;
  }
  return out;
}

export interface RenderedVar {
  name: string;
  schema: string;
  note: string | undefined;
  default: string;
  description: string;
  example: string;
  required: boolean;
  /** The README's line for it, before wrapping: "`NAME` (default): description". */
  readme: string;
}

export interface RenderedSection {
  title: string;
  vars: RenderedVar[];
}

function text(t: Text, ctx: TemplateContext): string {
  return typeof t === 'function' ? t(ctx) : t;
}

/** Base sections first, then each chosen feature's in registry order, then the base's closing sections. */
function environment(a: Answers, ctx: TemplateContext): TemplateContext['env'] {
  const declared: EnvSection[] = [
    ...BASE.env.first,
    ...FEATURES.filter((f) => a.features.includes(f.id)).flatMap((f) => f.env),
    ...BASE.env.last,
  ];
  const sections = declared
    .filter((section) => Boolean(section.when?.(ctx) ?? true))
    .map((section) => ({
      title: text(section.title, ctx),
      vars: section.vars
        .filter((v) => Boolean(v.when?.(ctx) ?? true))
        .map((v): RenderedVar => {
          const def = text(v.default, ctx);
          const description = text(v.description, ctx);
          const shown = /^(none|required)$/.test(def) || def.includes('`') || def.includes(' ') ? def : `\`${def}\``;
          return {
            name: v.name,
            schema: text(v.schema, ctx),
            note: v.note,
            default: def,
            description,
            example: v.example === undefined ? def : text(v.example, ctx),
            required: v.required ?? false,
            readme: `\`${v.name}\` (${shown}): ${description}`,
          };
        }),
    }))
    .filter((section) => section.vars.length > 0);
  return { sections, vars: sections.flatMap((section) => section.vars) };
}

/** The context every template sees (docs/TEMPLATES.md). */
export function templateContext(a: Answers): TemplateContext {
  const has = (id: (typeof FEATURE_IDS)[number]) => a.features.includes(id);
  const features = Object.fromEntries(FEATURE_IDS.map((id) => [id, has(id)])) as TemplateContext['features'];
  const ctx: TemplateContext = {
    ...optionContext(a),
    name: a.name,
    slug: slug(a.name),
    description: a.description,
    transport: a.transport,
    http: a.transport !== 'stdio',
    stdio: a.transport !== 'http',
    both: a.transport === 'both',
    features,
    pm: a.pm,
    run: runScript(a.pm),
    generator: { ...GENERATOR },
    env: { sections: [], vars: [] },
    items: itemsByKind(a),
  };
  ctx.env = environment(a, ctx);
  return ctx;
}

interface Template {
  /** Output path before the `_` -> `.` rename (for a slot: the slot's name). */
  source: string;
  render: (ctx: TemplateContext, partials: Partials) => string;
}

type Partials = Record<
  string,
  (context?: unknown, options?: { data?: { 'partial-block'?: (context: unknown) => unknown } }) => string
>;

/**
 * A folder of templates/: the files it writes, what it contributes to the named places of others, and its item
 * templates (`items/<dir>/<kind><rest>`: rendered once per item of that kind, src/engine/items.ts `itemPath`).
 */
interface Layer {
  files: Template[];
  slots: Template[];
  items: Template[];
}

const layerCache = new Map<string, Promise<Layer>>();

/** Files at the root of a folder that define it (src/features.ts imports them, with the shared options); they are not output. */
const DEFINITIONS = new Set(['feature.ts', 'base.ts', 'options.ts']);
const SLOTS = 'slots/';
const ITEMS = 'items/';

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (e.isFile() && !(prefix === '' && DEFINITIONS.has(e.name))) out.push(rel);
  }
  return out.sort();
}

type RawTemplate = [file: string, body: string | TemplateSpecification];

/** Reads a folder of templates/: each file with its text (a .hbs file's text is compiled below). */
async function readLayer(layer: string): Promise<RawTemplate[]> {
  const dir = path.join(TEMPLATES_DIR, layer);
  const files = await listFiles(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new Error(`templates/${layer}/ is missing: every feature is a folder there`);
    throw err;
  });
  return Promise.all(
    files.map(async (file): Promise<RawTemplate> => [file, await readFile(path.join(dir, file), 'utf8')]),
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

async function loadLayer(layer: string): Promise<Layer> {
  const built = await precompiledLayers();
  if (built && !built[layer]) throw new Error(`templates/${layer}/ is missing from the build: run npm run build`);
  const raw = built ? built[layer]! : await readLayer(layer);
  const needsHandlebars = raw.some(([file]) => file.endsWith('.hbs'));
  const H = needsHandlebars ? await handlebars(Boolean(built)) : undefined;
  const templates = raw.map(([file, body]): Template => {
    if (!file.endsWith('.hbs')) return { source: file, render: () => body as string };
    const compiled = typeof body === 'string' ? H!.compile(body, COMPILE_OPTIONS) : H!.template(body);
    return {
      source: file.slice(0, -'.hbs'.length),
      render: (ctx, partials) => {
        try {
          // An indented slot indents its blank lines too: drop that whitespace.
          return compiled(ctx, { partials }).replace(/^[ \t]+$/gm, '');
        } catch (err) {
          throw new Error(`template ${layer}/${file}: ${(err as Error).message}`);
        }
      },
    };
  });
  const under = (prefix: string) =>
    templates.filter((t) => t.source.startsWith(prefix)).map((t) => ({ ...t, source: t.source.slice(prefix.length) }));
  return {
    files: templates.filter((t) => !t.source.startsWith(SLOTS) && !t.source.startsWith(ITEMS)),
    slots: under(SLOTS),
    items: under(ITEMS),
  };
}

function layer(id: string): Promise<Layer> {
  let p = layerCache.get(id);
  if (!p) layerCache.set(id, (p = loadLayer(id)));
  return p;
}

/**
 * The helpers templates may call. They are the `knownHelpers` of handlebars-options.json, which both the build's
 * precompiler and the compiler here use: with `knownHelpersOnly`, a call compiles to a direct call of the helper,
 * and a template that calls any other helper fails to compile. The same file sets `data: false`: templates use no
 * `@` variables (`@index`, `@key`), and without them a block needs no data frame per call. Both cut the CPU time
 * of a scaffold (bench/cli.mjs, docs/benchmarks.md).
 */
const HELPERS: Record<keyof typeof COMPILE_OPTIONS.knownHelpers, import('handlebars').HelperDelegate> = {
  eq: (a: unknown, b: unknown) => a === b,
  not: (a: unknown) => !a,
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  json: (v: unknown) => JSON.stringify(v),
  // {{quote text}}: a TypeScript string literal, quoted as Prettier quotes it (single quotes unless the text has more).
  quote: (value: string) => quote(value),
  // {{fit "  key:" value ","}}: `  key: value,` when it fits in 100 columns, else broken after `key:` as Prettier
  // breaks an assignment or a property (the value on the next line, indented two more).
  fit: (head: string, value: string, tail: string) => fit(head, value, tail),
  // {{wrap text prefix="# " first="- " width=100}}: text in lines of at most `width` (116) characters.
  wrap: (value: string, options: { hash: { prefix?: string; first?: string; width?: number } }) =>
    wrap(value, options.hash.first ?? options.hash.prefix ?? '', options.hash.prefix ?? '', options.hash.width),
};

type HandlebarsInstance = typeof import('handlebars');
let hbs: Promise<HandlebarsInstance> | undefined;
/** The full compiler from templates/, or only the runtime for precompiled templates. */
function handlebars(runtimeOnly: boolean) {
  hbs ??= (runtimeOnly ? import('handlebars/runtime') : import('handlebars')).then((mod) => {
    const H = ((mod as { default?: unknown }).default ?? mod) as HandlebarsInstance;
    const instance = H.create();
    instance.registerHelper(HELPERS);
    return instance;
  });
  return hbs;
}

/** A string literal as Prettier writes it with `singleQuote`: double quotes only when it holds more single quotes. */
export function quote(text: string): string {
  const q = (text.match(/'/g)?.length ?? 0) > (text.match(/"/g)?.length ?? 0) ? '"' : "'";
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replaceAll(q, `\\${q}`);
  return `${q}${escaped}${q}`;
}

/**
 * `head value tail` on one line when it fits in `width` columns, else `value tail` on the next, indented two more.
 * As Prettier, a property whose key is shorter than 5 characters (`uri:`) is never broken: too little to gain.
 */
export function fit(head: string, value: string, tail: string, width = 100): string {
  const line = `${head} ${value}${tail}`;
  const shortKey = /^\s*([^\s:]+):$/.exec(head)?.[1]?.length ?? 5;
  if (line.length <= width || shortKey < 5) return line;
  const indent = /^\s*/.exec(head)![0];
  return `${head}\n${indent}  ${value}${tail}`;
}

/** Words of `value` in lines of at most 116 characters, the first after `first`, the others after `prefix`. */
export function wrap(value: string, first: string, prefix: string, width = 116): string {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of value.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = prefix + word;
    } else line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

/** A package name as a DNS label of at most 40 characters: `@acme/Weather.MCP` -> `weather-mcp`. */
export function slug(name: string): string {
  const s = name
    .replace(/^@[^/]*\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(s) ? s : `mcp-${s}`.replace(/-+$/, '');
}

/**
 * `_gitignore` -> `.gitignore`, `_github/x` -> `.github/x`: npm strips some dotfiles from packages. Two underscores
 * stand for one: `__helpers.tpl` -> `_helpers.tpl`.
 */
export function outputPath(source: string): string {
  return source
    .split('/')
    .map((seg) => (seg.startsWith('__') ? seg.slice(1) : seg.startsWith('_') ? `.${seg.slice(1)}` : seg))
    .join('/');
}

function sorted(deps: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function withDependencies(json: string, a: Answers, ctx: TemplateContext): string {
  const pkg = JSON.parse(json) as Record<string, unknown>;
  const sets: { dependencies: Deps; devDependencies: Deps }[] = [BASE, ...a.features.map(feature)];
  if (ctx.http) sets.push(BASE.http);
  if (ctx.redis) sets.push(BASE.redis);
  for (const [name, set] of Object.entries((BASE as BaseDefinition).when ?? {})) if (ctx[name] === true) sets.push(set);
  const dependencies = Object.assign({}, ...sets.map((s) => s.dependencies)) as Record<string, string>;
  const devDependencies = Object.assign({}, ...sets.map((s) => s.devDependencies)) as Record<string, string>;
  // `packageManager` names the version that ran `create` (corepack installs with it), or is left out when unknown:
  // a fixed version would make a current package manager refuse to install.
  const { packageManager: _fixed, ...rest } = pkg;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'scripts' && a.pmVersion) out.packageManager = `${a.pm}@${a.pmVersion}`;
    out[key] = value;
  }
  out.dependencies = sorted(dependencies);
  out.devDependencies = sorted(devDependencies);
  if (Object.keys(devDependencies).length === 0) delete out.devDependencies;
  return `${JSON.stringify(out, null, 2)}\n`;
}

/**
 * render(answers) -> file tree (docs/ARCHITECTURE.md). Pure: templates + answers in, `{path: content}` out; the
 * only I/O is reading templates. Base files and the chosen features' files are rendered; each named place
 * (`{{> slot}}`) receives the chosen features' contributions to it, in registry order. A file whose render is
 * blank is not generated.
 */
export async function render(a: Answers): Promise<FileTree> {
  const ctx = templateContext(a);
  const chosen = FEATURE_IDS.filter((id) => a.features.includes(id));
  const [base, ...features] = await Promise.all(['base', ...FEATURE_IDS].map(layer));
  const byId = new Map<FeatureId, Layer>(FEATURE_IDS.map((id, i) => [id, features[i]!]));

  // Every slot any feature fills exists, empty unless a chosen feature fills it.
  const contributions: Record<string, string> = {};
  for (const l of features) for (const slot of l.slots) contributions[slot.source] ??= '';
  // `{{#> name}}default{{/name}}` is a place with a default: the block renders when no chosen feature fills it.
  const partials: Partials = {};
  for (const name of Object.keys(contributions)) {
    partials[name] = (context, options) =>
      contributions[name] || (options?.data?.['partial-block']?.(context) as string | undefined) || '';
  }
  for (const id of chosen) {
    for (const slot of byId.get(id)!.slots) contributions[slot.source] += slot.render(ctx, partials);
  }

  const tree: FileTree = {};
  const owner: Record<string, string> = {};
  const layers: [string, Layer][] = [['base', base!], ...chosen.map((id): [string, Layer] => [id, byId.get(id)!])];
  for (const [name, l] of layers) {
    for (const t of l.files) {
      // Files under test/ (the base's, a feature's) belong to the suite the tests feature brings: they come with it.
      if (t.source.startsWith('test/') && !ctx.features.tests) continue;
      const out = outputPath(t.source).replace(/(^|\/)\[slug\](?=\/)/g, `$1${ctx.slug}`);
      if (owner[out]) throw new Error(`templates ${owner[out]} and ${name} both write ${out}`);
      owner[out] = name;
      let content = t.render(ctx, partials);
      if (content.trim() === '') continue;
      if (out === 'package.json') content = withDependencies(content, a, ctx);
      tree[out] = content;
    }
    // Each item's files, from the layer's item templates of its kind, with the item in the context.
    for (const item of a.items ?? []) {
      const itemCtx = { ...ctx, item: itemContext(item, a) };
      for (const t of l.items) {
        const out = itemPath(t.source, itemCtx.item);
        if (out === undefined) continue;
        if (owner[out]) throw new Error(`templates ${owner[out]} and ${name} both write ${out}`);
        owner[out] = name;
        const content = t.render(itemCtx, partials);
        if (content.trim() !== '') tree[out] = content;
      }
    }
  }
  return Object.fromEntries(Object.entries(tree).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}
