/**
 * The tools, resources and prompts `add tool|resource|prompt <name>` gives a project (docs/add.md, "Tools, resources
 * and prompts"). Each is recorded in `.mcp-prod.json` (`answers.items`) with what shaped it, and render() makes its
 * files from the item templates (`templates/<layer>/items/`) and lists it in the kind's index (src/tools/index.ts
 * and its siblings), which is rendered from the list like any template. This module holds the names and the item's
 * template context; the code is in the templates.
 */
import type { Answers } from '../answers.js';

export const ITEM_KINDS = ['tool', 'resource', 'prompt'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

/** One item `add tool|resource|prompt` added, as `.mcp-prod.json` records it (`answers.items`, in the order added). */
export interface Item {
  kind: ItemKind;
  /** The MCP name, as given: `get_forecast`. */
  name: string;
  /** The identifier its file exports and the index imports: `getForecast`. */
  id: string;
  /** Its file: `src/tools/get-forecast.ts`. */
  file: string;
  description: string;
  /** Tools: calls the upstream API (services.upstream): `openWorldHint`, and a stub upstream in its test. */
  upstream?: boolean;
  /** Tools: changes nothing (`readOnlyHint`, `idempotentHint`). */
  readOnly?: boolean;
  /** Tools: may destroy or overwrite data (`destructiveHint`). */
  destructive?: boolean;
  /** Tools: results served from the cache feature's store (needs `readOnly`). */
  cache?: boolean;
  /** Resources: a fixed URI, or a URI template with `{variables}`. */
  uri?: string;
  /** The scopes a caller needs to see and use it (the generated src/access.ts); absent: AUTHZ_DEFAULT decides. */
  scopes?: string[];
}

/**
 * A scope as OAuth writes one (RFC 6749, section 3.3: scope-token), without `,` and `;`, which separate the
 * entries and fields of MCP_API_KEYS, and not the `*` of a plain key.
 */
export const SCOPE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]+$/;

/** The scopes of `--scopes a,b`: the list, or a problem to report. */
export function parseScopes(value: string): { scopes: string[] } | { problem: string } {
  const scopes = value
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  const bad = scopes.find((scope) => scope === '*' || !SCOPE.test(scope));
  if (bad !== undefined) {
    return {
      problem: `--scopes: "${bad}" is not a scope (printable characters without spaces, quotes, backslashes, commas or semicolons; not "*")`,
    };
  }
  return { scopes: [...new Set(scopes)] };
}

/** Where each kind lives in a project, and the list its index exports. */
export const KIND_DIRS: Record<ItemKind, { dir: string; list: string; definition: string }> = {
  tool: { dir: 'src/tools', list: 'tools', definition: 'src/tool.ts' },
  resource: { dir: 'src/resources', list: 'resources', definition: 'src/resource.ts' },
  prompt: { dir: 'src/prompts', list: 'prompts', definition: 'src/prompt.ts' },
};

/** `get_forecast` -> `get-forecast` (the file), `getForecast` (the identifier), `Get forecast` (the title). */
export function namesOf(name: string): { file: string; id: string; title: string } {
  const words = name.split(/[-_.]/).filter(Boolean);
  return {
    file: words.join('-'),
    id: words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join(''),
    title: [words[0]![0]!.toUpperCase() + words[0]!.slice(1), ...words.slice(1)].join(' '),
  };
}

/** The record of a new item: its identifier and file from its name. */
export function newItem(spec: Omit<Item, 'id' | 'file'>): Item {
  const { kind, name, ...rest } = spec;
  const { id, file } = namesOf(name);
  return { kind, name, id, file: `${KIND_DIRS[kind].dir}/${file}.ts`, ...rest };
}

/** The variables of a URI template: `weather://city/{city}` -> ['city']. */
export function uriVariables(uri: string): string[] {
  return [...uri.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
}

/** A URI scheme from the project's name: `@acme/weather-mcp` -> `weather-mcp`. */
export function schemeOf(projectName: string): string {
  const base = projectName
    .replace(/^@[^/]+\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9+.-]/g, '-');
  return /^[a-z]/.test(base) ? base : `app-${base}`;
}

/** What an item template sees as `item` (docs/TEMPLATES.md): the record, with every field present (strict mode). */
export interface ItemContext {
  kind: ItemKind;
  name: string;
  id: string;
  /** The file's name without `.ts`, as the index imports it: `get-forecast`. */
  module: string;
  title: string;
  description: string;
  upstream: boolean;
  readOnly: boolean;
  destructive: boolean;
  /** The tool asked for the cache and the project has the cache feature. */
  cache: boolean;
  uri: string;
  /** The scopes it declares, or undefined (none declared). */
  scopes: string[] | undefined;
  /** A resource's URI template variables, each with the description of its parameter. */
  vars: { name: string; about: string }[];
  /** A resource's contents as its generated test expects them: its variables filled with `<name>-1`, or its name. */
  sample: string;
}

export function itemContext(item: Item, a: Answers): ItemContext {
  const vars = uriVariables(item.uri ?? '');
  const module = item.file.slice(item.file.lastIndexOf('/') + 1).replace(/\.ts$/, '');
  return {
    kind: item.kind,
    name: item.name,
    id: item.id,
    module,
    title: namesOf(item.name).title,
    description: item.description,
    upstream: item.upstream ?? false,
    readOnly: item.readOnly ?? false,
    destructive: item.destructive ?? false,
    cache: Boolean(item.cache) && a.features.includes('cache'),
    uri: item.uri ?? '',
    scopes: item.scopes,
    vars: vars.map((v) => ({ name: v, about: `The ${v} of the URI` })),
    sample: JSON.stringify(vars.length > 0 ? Object.fromEntries(vars.map((v) => [v, `${v}-1`])) : { name: item.name }),
  };
}

/** The items of a project by kind, in the order they were added: what the index templates list. */
export function itemsByKind(a: Answers): Record<ItemKind, ItemContext[]> {
  const out: Record<ItemKind, ItemContext[]> = { tool: [], resource: [], prompt: [] };
  for (const item of a.items ?? []) out[item.kind].push(itemContext(item, a));
  return out;
}

/** The path an item template writes: `items/<dir>/<kind><rest>` -> `<dir>/<kind>s/<module><rest>`. */
export function itemPath(source: string, item: ItemContext): string | undefined {
  const m = /^(.*\/)?([a-z]+)(\.[^/]*)$/.exec(source);
  if (!m || m[2] !== item.kind) return undefined;
  return `${m[1] ?? ''}${KIND_DIRS[item.kind].list}/${item.module}${m[3]}`;
}

/** A recorded item that is well formed (`.mcp-prod.json` is checked before it is used). */
export function validItem(v: unknown): v is Item {
  const i = v as Item;
  if (typeof i !== 'object' || i === null || !ITEM_KINDS.includes(i.kind)) return false;
  const bool = (b: unknown) => b === undefined || typeof b === 'boolean';
  return (
    typeof i.name === 'string' &&
    typeof i.description === 'string' &&
    typeof i.id === 'string' &&
    /^[A-Za-z_$][\w$]*$/.test(i.id) &&
    typeof i.file === 'string' &&
    new RegExp(`^${KIND_DIRS[i.kind].dir}/[a-z0-9][a-z0-9-]*\\.ts$`).test(i.file) &&
    (i.uri === undefined || typeof i.uri === 'string') &&
    (i.scopes === undefined || (Array.isArray(i.scopes) && i.scopes.every((s) => typeof s === 'string' && SCOPE.test(s)))) &&
    [i.upstream, i.readOnly, i.destructive, i.cache].every(bool)
  );
}
