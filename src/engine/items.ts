/**
 * The files of one tool, resource or prompt that `add tool|resource|prompt <name>` writes: the item's own file and
 * its test. Pure: a spec in, `{ path: content }` out (docs/add.md, "Tools, resources and prompts"). The code follows
 * the shape of the generated server's example tools (src/tool.ts, src/resource.ts, src/prompt.ts of a project).
 */
import type { Answers } from '../answers.js';
import type { FileTree } from './render.js';

export const ITEM_KINDS = ['tool', 'resource', 'prompt'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export interface ToolOptions {
  /** Calls the upstream API (services.upstream): `openWorldHint`, and a stub upstream in its test. */
  upstream: boolean;
  /** Results served from the cache feature's store (needs `readOnly`). */
  cache: boolean;
  readOnly: boolean;
  destructive: boolean;
}

export interface ItemSpec {
  kind: ItemKind;
  /** The MCP name, as given: `get_forecast`. */
  name: string;
  description: string;
  tool?: ToolOptions;
  /** Resources: a fixed URI, or a URI template with `{variables}`. */
  uri?: string;
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

/** A single-quoted TypeScript string literal. */
function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * `description: '...',` at `indent`, wrapped the way Prettier prints it when it does not fit in 100 columns
 * (the key on its line, the string on the next).
 */
function property(indent: string, key: string, value: string): string {
  const line = `${indent}${key}: ${value},`;
  return line.length <= 100 ? line : `${indent}${key}:\n${indent}  ${value},`;
}

/** `export const <id> = define<Kind>({` and the name, title and description every item opens with. */
function opening(define: string, spec: ItemSpec): string[] {
  const { id, title } = namesOf(spec.name);
  return [
    `export const ${id} = ${define}({`,
    `  name: ${quote(spec.name)},`,
    property('  ', 'title', quote(title)),
    property('  ', 'description', quote(spec.description)),
  ];
}

/** `const name = value;`, broken after `=` as Prettier does when it passes 100 columns. */
function constant(indent: string, name: string, value: string): string {
  const line = `${indent}const ${name} = ${value};`;
  return line.length <= 100 ? line : `${indent}const ${name} =\n${indent}  ${value};`;
}

function toolFile(spec: ItemSpec, a: Answers): string {
  const t = spec.tool!;
  const annotations = t.readOnly
    ? `{ readOnlyHint: true, idempotentHint: true, openWorldHint: ${t.upstream} }`
    : `{ readOnlyHint: false, destructiveHint: ${t.destructive}, openWorldHint: ${t.upstream} }`;
  const imports = t.upstream ? 'defineTool, errorResult, structuredResult' : 'defineTool, structuredResult';
  const lines = [
    `import * as z from 'zod';`,
    `import { ${imports} } from '../tool.js';`,
    ``,
    ...opening('defineTool', spec),
    `  input: z.object({`,
    `    query: z.string().min(1).max(1_000).describe('What to look up'),`,
    `  }),`,
    `  // The shape of structuredContent: clients get typed data, and the same as JSON text.`,
    `  output: z.object({`,
    `    answer: z.string().describe('The answer'),`,
    `  }),`,
    `  annotations: ${annotations},`,
  ];
  if (t.cache && a.features.includes('cache')) {
    lines.push(`  // Served from the cache for CACHE_TTL_SECONDS, per caller and arguments.`, `  cache: true,`);
  }
  if (t.upstream) {
    lines.push(
      `  async run({ query }, { services, signal }) {`,
      `    // Replace with the path and query of your upstream API (UPSTREAM_BASE_URL).`,
      `    const response = await services.upstream.get({`,
      `      path: ${quote(namesOf(spec.name).file)},`,
      `      query: { q: query },`,
      `      signal,`,
      `    });`,
      `    if (response.status >= 400) {`,
      `      return errorResult(\`Upstream answered \${response.status} for \${query}\`);`,
      `    }`,
      `    return structuredResult({ answer: response.body.slice(0, 20_000) });`,
      `  },`,
    );
  } else {
    lines.push(
      `  run({ query }) {`,
      `    // Replace with what the tool does; throw a ToolError for a failure the caller may see.`,
      `    return structuredResult({ answer: \`${spec.name}: \${query}\` });`,
      `  },`,
    );
  }
  lines.push(`});`, ``);
  return lines.join('\n');
}

function resourceFile(spec: ItemSpec): string {
  const vars = uriVariables(spec.uri!);
  const lines = [
    ...(vars.length > 0 ? [`import * as z from 'zod';`] : []),
    `import { defineResource, textContents } from '../resource.js';`,
    ``,
    ...opening('defineResource', spec),
    property('  ', 'uri', quote(spec.uri!)),
    `  mimeType: 'application/json',`,
  ];
  if (vars.length > 0) {
    lines.push(`  params: z.object({`);
    for (const v of vars) lines.push(`    ${v}: z.string().min(1).max(200).describe(${quote(`The ${v} of the URI`)}),`);
    lines.push(`  }),`);
  }
  lines.push(
    `  // How long a client may reuse a read (ttlMs): as long as this content may be out of date.`,
    `  ttlMs: 60_000,`,
  );
  // A template's read answers with its variables; a fixed resource with its name.
  const [args, data] = vars.length > 0 ? ['{ uri, params }', 'params'] : ['{ uri }', `{ name: ${quote(spec.name)} }`];
  lines.push(
    `  read(${args}) {`,
    `    // Replace with what the resource holds; throw a ToolError for a failure the caller may see.`,
    `    return textContents(uri, JSON.stringify(${data}), 'application/json');`,
    `  },`,
    `});`,
    ``,
  );
  return lines.join('\n');
}

function promptFile(spec: ItemSpec): string {
  const { title } = namesOf(spec.name);
  return [
    `import * as z from 'zod';`,
    `import { definePrompt, userMessage } from '../prompt.js';`,
    ``,
    ...opening('definePrompt', spec),
    `  // Prompt arguments are strings (MCP spec, prompts); put limits on every one.`,
    `  args: z.object({`,
    `    text: z.string().min(1).max(10_000).describe('The text to work on'),`,
    `  }),`,
    `  // Replace with the instructions this prompt gives the model.`,
    `  get: ({ text }) => userMessage(\`${title}:\\n\\n\${text}\`),`,
    `});`,
    ``,
  ].join('\n');
}

/** The in-process client the generated suite has: the 2026-07-28 one when the project serves HTTP. */
function clientOf(a: Answers): string {
  return a.transport === 'stdio' ? 'legacyClient' : 'modernClient';
}

function testHead(a: Answers, extra: string[] = [], stub = false): string[] {
  const helpers = [clientOf(a), ...(stub ? ['stubUpstream'] : []), 'testServices', ...extra];
  if (stub) helpers.push('type Stub');
  const importLine = `import { ${helpers.join(', ')} } from '../helpers.js';`;
  return [
    `import type { Client } from '@modelcontextprotocol/client';`,
    `import { afterAll, beforeAll, describe, expect, it } from 'vitest';`,
    `import type { Services } from '../../src/services.js';`,
    importLine.length <= 100
      ? importLine
      : `import {\n${helpers.map((h) => `  ${h},`).join('\n')}\n} from '../helpers.js';`,
    ``,
    ...(stub ? [`let upstream: Stub;`] : []),
    `let services: Services;`,
    `let client: Client;`,
    ``,
    `beforeAll(async () => {`,
    ...(stub
      ? [
          `  upstream = await stubUpstream((_req, res) => res.end('sunny'));`,
          `  services = testServices({ UPSTREAM_BASE_URL: upstream.url });`,
        ]
      : [`  services = testServices();`]),
    `  client = await ${clientOf(a)}(services);`,
    `});`,
    ``,
    `afterAll(async () => {`,
    `  await client.close();`,
    `  await services.close();`,
    ...(stub ? [`  await upstream.close();`] : []),
    `});`,
    ``,
  ];
}

function toolTest(spec: ItemSpec, a: Answers): string {
  const t = spec.tool!;
  const expected = t.upstream ? `'sunny'` : `\`\${name}: Paris\``;
  return [
    ...testHead(a, ['textOf'], t.upstream),
    `const name = ${quote(spec.name)};`,
    ``,
    `describe(\`tool \${name}\`, () => {`,
    `  it('is listed with its input and output schemas', async () => {`,
    `    const { tools } = await client.listTools();`,
    `    const tool = tools.find((each) => each.name === name);`,
    `    expect(tool?.inputSchema.required).toEqual(['query']);`,
    `    expect(tool?.outputSchema?.required).toEqual(['answer']);`,
    `    expect(tool?.annotations).toMatchObject({ readOnlyHint: ${t.readOnly}, openWorldHint: ${t.upstream} });`,
    `  });`,
    ``,
    `  it('answers with structured content and the same as text', async () => {`,
    `    const result = await client.callTool({ name, arguments: { query: 'Paris' } });`,
    `    expect(result.isError).toBeFalsy();`,
    `    expect(result.structuredContent).toEqual({ answer: ${expected} });`,
    `    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);`,
    `  });`,
    ``,
    `  it('answers invalid arguments with an isError result that says what is wrong', async () => {`,
    `    const result = await client.callTool({ name, arguments: { query: '' } });`,
    `    expect(result.isError).toBe(true);`,
    `    expect(textOf(result)).toMatch(\`Invalid arguments for \${name}: query: \`);`,
    `  });`,
    `});`,
    ``,
  ].join('\n');
}

function resourceTest(spec: ItemSpec, a: Answers): string {
  const vars = uriVariables(spec.uri!);
  const lines = [...testHead(a), `const name = ${quote(spec.name)};`];
  if (vars.length > 0) {
    const data = JSON.stringify(Object.fromEntries(vars.map((v) => [v, `${v}-1`])));
    lines.push(
      constant('', 'template', quote(spec.uri!)),
      ``,
      `describe(\`resource \${name}\`, () => {`,
      `  it('is listed as a URI template', async () => {`,
      `    const { resourceTemplates } = await client.listResourceTemplates();`,
      `    const listed = resourceTemplates.find((each) => each.name === name);`,
      `    expect(listed?.uriTemplate).toBe(template);`,
      `  });`,
      ``,
      `  it('reads a URI of the template', async () => {`,
      `    // Each variable filled with its name and -1.`,
      `    const uri = template.replace(/\\{(\\w+)\\}/g, '$1-1');`,
      constant('    ', 'text', quote(data)),
      `    const { contents } = await client.readResource({ uri });`,
      `    expect(contents).toEqual([{ uri, mimeType: 'application/json', text }]);`,
      `  });`,
      ``,
      `  it('refuses a variable that breaks its limits with -32602', async () => {`,
      `    const uri = template.replace(/\\{\\w+\\}/g, 'x'.repeat(201));`,
      `    const read = client.readResource({ uri });`,
      `    await expect(read).rejects.toMatchObject({ code: -32602 });`,
      `  });`,
    );
  } else {
    lines.push(
      constant('', 'uri', quote(spec.uri!)),
      ``,
      `describe(\`resource \${name}\`, () => {`,
      `  it('is listed with its URI', async () => {`,
      `    const { resources } = await client.listResources();`,
      `    expect(resources.find((each) => each.name === name)?.uri).toBe(uri);`,
      `  });`,
      ``,
      `  it('reads its contents', async () => {`,
      constant('    ', 'text', quote(JSON.stringify({ name: spec.name }))),
      `    const { contents } = await client.readResource({ uri });`,
      `    expect(contents).toEqual([{ uri, mimeType: 'application/json', text }]);`,
      `  });`,
      ``,
      `  it('refuses a URI it does not serve with -32602', async () => {`,
      `    const read = client.readResource({ uri: \`\${uri}/missing\` });`,
      `    await expect(read).rejects.toMatchObject({ code: -32602 });`,
      `  });`,
    );
  }
  lines.push(`});`, ``);
  return lines.join('\n');
}

function promptTest(spec: ItemSpec, a: Answers): string {
  return [
    ...testHead(a),
    `const name = ${quote(spec.name)};`,
    ``,
    `describe(\`prompt \${name}\`, () => {`,
    `  it('is listed with its arguments', async () => {`,
    `    const { prompts } = await client.listPrompts();`,
    `    const prompt = prompts.find((each) => each.name === name);`,
    `    expect(prompt?.arguments).toEqual([expect.objectContaining({ name: 'text', required: true })]);`,
    `  });`,
    ``,
    `  it('gives a message with the text', async () => {`,
    `    const { messages } = await client.getPrompt({ name, arguments: { text: 'hello' } });`,
    `    expect(messages[0]?.content).toMatchObject({`,
    `      type: 'text',`,
    `      text: expect.stringContaining('hello'),`,
    `    });`,
    `  });`,
    ``,
    `  it('refuses missing arguments with -32602 that says what is wrong', async () => {`,
    `    const get = client.getPrompt({ name, arguments: {} });`,
    `    await expect(get).rejects.toMatchObject({`,
    `      code: -32602,`,
    `      message: expect.stringMatching(/text/),`,
    `    });`,
    `  });`,
    `});`,
    ``,
  ].join('\n');
}

/** The item's file and, when the project has the generated test suite, its test. */
export function renderItem(spec: ItemSpec, a: Answers): FileTree {
  const { file } = namesOf(spec.name);
  const { dir } = KIND_DIRS[spec.kind];
  const tree: FileTree = {};
  if (spec.kind === 'tool') tree[`${dir}/${file}.ts`] = toolFile(spec, a);
  if (spec.kind === 'resource') tree[`${dir}/${file}.ts`] = resourceFile(spec);
  if (spec.kind === 'prompt') tree[`${dir}/${file}.ts`] = promptFile(spec);
  if (a.features.includes('tests')) {
    const test = `test/${KIND_DIRS[spec.kind].list}/${file}.test.ts`;
    if (spec.kind === 'tool') tree[test] = toolTest(spec, a);
    if (spec.kind === 'resource') tree[test] = resourceTest(spec, a);
    if (spec.kind === 'prompt') tree[test] = promptTest(spec, a);
  }
  return tree;
}
