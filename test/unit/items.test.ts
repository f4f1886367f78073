import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { optionDefaults, type Answers } from '../../src/answers.js';
import { namesOf, renderItem, schemeOf, uriVariables, type ItemSpec } from '../../src/engine/items.js';
import { importedNames, register } from '../../src/engine/register.js';
import { render } from '../../src/engine/render.js';

const answers = (features: Answers['features'], transport: Answers['transport'] = 'http'): Answers => ({
  ...optionDefaults(),
  name: 'weather-mcp',
  description: 'A production-ready MCP server.',
  transport,
  features,
  auth: 'apikey',
  store: 'memory',
  runtime: 'node',
  pm: 'npm',
});

const LONG = 'a_rather_long_tool_name_that_fills_the_line_x'; // 45 characters
const specs: ItemSpec[] = [
  {
    kind: 'tool',
    name: 'weather',
    description: 'Current weather.',
    tool: { upstream: false, cache: false, readOnly: true, destructive: false },
  },
  {
    kind: 'tool',
    name: 'forecast',
    description: 'x'.repeat(200),
    tool: { upstream: true, cache: true, readOnly: true, destructive: false },
  },
  {
    kind: 'tool',
    name: LONG,
    description: `It's "quoted" \\ and long: ${'y'.repeat(90)}`,
    tool: { upstream: true, cache: false, readOnly: false, destructive: true },
  },
  { kind: 'resource', name: 'settings', description: 'Settings.', uri: 'weather-mcp://settings' },
  { kind: 'resource', name: LONG, description: 'A city.', uri: `weather-mcp://city/{city}/${LONG}/{day_of_week}` },
  { kind: 'prompt', name: 'summarize', description: 'Summarizes.' },
  { kind: 'prompt', name: LONG, description: 'z'.repeat(150) },
];

/** The options Prettier formats a generated project with (its .prettierrc). */
async function projectPrettier(): Promise<prettier.Options> {
  const tree = await render(answers(['tests']));
  return JSON.parse(tree['.prettierrc.json']!) as prettier.Options;
}

describe('add tool|resource|prompt: the generated files', () => {
  it.each(specs.map((s) => [`${s.kind} ${s.name.slice(0, 20)} (${s.description.length} chars)`, s] as const))(
    '%s are Prettier-clean, with and without the cache and test features, on both transports',
    async (_label, spec) => {
      const options = await projectPrettier();
      for (const a of [answers(['cache', 'tests']), answers(['tests'], 'stdio'), answers([])]) {
        const files = renderItem(spec, a);
        expect(Object.keys(files).length).toBe(a.features.includes('tests') ? 2 : 1);
        for (const [file, text] of Object.entries(files)) {
          const formatted = await prettier.format(text, { ...options, filepath: file });
          expect(text, file).toBe(formatted);
        }
      }
    },
  );

  it('names the file, the identifier and the title from the MCP name', () => {
    expect(namesOf('get_forecast')).toEqual({ file: 'get-forecast', id: 'getForecast', title: 'Get forecast' });
    expect(namesOf('weather')).toEqual({ file: 'weather', id: 'weather', title: 'Weather' });
  });

  it('writes cache: true only when the project has the cache feature', () => {
    const spec = specs[1]!;
    expect(renderItem(spec, answers(['cache']))['src/tools/forecast.ts']).toMatch(/^  cache: true,$/m);
    expect(renderItem(spec, answers([]))['src/tools/forecast.ts']).not.toMatch(/cache: true/);
  });

  it('maps the options to the annotations', () => {
    const destructive = renderItem(specs[2]!, answers([]))[`src/tools/${namesOf(LONG).file}.ts`]!;
    expect(destructive).toMatch(/annotations: \{ readOnlyHint: false, destructiveHint: true, openWorldHint: true \}/);
    const readOnly = renderItem(specs[0]!, answers([]))['src/tools/weather.ts']!;
    expect(readOnly).toMatch(/annotations: \{ readOnlyHint: true, idempotentHint: true, openWorldHint: false \}/);
  });

  it('validates each URI template variable, and a fixed URI has none', () => {
    expect(uriVariables('a://city/{city}/{day}')).toEqual(['city', 'day']);
    const file = renderItem(specs[4]!, answers([]))[`src/resources/${namesOf(LONG).file}.ts`]!;
    expect(file).toMatch(/city: z\.string\(\)\.min\(1\)\.max\(200\)/);
    expect(file).toMatch(/day_of_week: z\.string\(\)/);
    expect(renderItem(specs[3]!, answers([]))['src/resources/settings.ts']).not.toMatch(/params|zod/);
    expect(schemeOf('@acme/Weather_MCP')).toBe('weather-mcp');
    expect(schemeOf('1st')).toBe('app-1st');
  });
});

describe('registering in the index file', () => {
  const index = `import type { Tool } from '../tool.js';
import { echo } from './echo.js';
import { upstreamGet } from './upstream-get.js';

/** Every tool the server offers. */
export const tools: readonly Tool[] = [echo, upstreamGet];
`;

  it('adds one import and one entry, and nothing else changes', () => {
    const r = register(index, { list: 'tools', id: 'weather', from: './weather.js' });
    expect(r).toEqual({
      ok: true,
      text: index
        .replace(`'./upstream-get.js';\n`, `'./upstream-get.js';\nimport { weather } from './weather.js';\n`)
        .replace('[echo, upstreamGet]', '[echo, upstreamGet, weather]'),
    });
  });

  it("keeps the user's own lines, comments and entries", () => {
    const edited = index
      .replace(
        "import { echo } from './echo.js';",
        "import { echo } from './echo.js';\n// Ours: the billing tools.\nimport { charge } from './billing/charge.js';",
      )
      .replace('[echo, upstreamGet]', '[\n  echo,\n  upstreamGet, // kept for the smoke tests\n  charge\n]');
    const r = register(edited, { list: 'tools', id: 'weather', from: './weather.js' });
    if (!r.ok) throw new Error(r.reason);
    expect(r.text).toContain(
      "// Ours: the billing tools.\nimport { charge } from './billing/charge.js';\nimport { upstreamGet } from './upstream-get.js';\nimport { weather } from './weather.js';",
    );
    expect(r.text).toContain('[\n  echo,\n  upstreamGet, // kept for the smoke tests\n  charge,\n  weather,\n];');
    expect(importedNames(r.text)).toEqual(new Set(['Tool', 'echo', 'charge', 'upstreamGet', 'weather']));
  });

  it('fills an empty list, and breaks a list that would pass 100 columns as Prettier does', async () => {
    const empty = "import type { Prompt } from '../prompt.js';\n\nexport const prompts: readonly Prompt[] = [];\n";
    const one = register(empty, { list: 'prompts', id: 'summarize', from: './summarize.js' });
    expect(one).toEqual({
      ok: true,
      text: "import type { Prompt } from '../prompt.js';\nimport { summarize } from './summarize.js';\n\nexport const prompts: readonly Prompt[] = [summarize];\n",
    });
    let text = index;
    for (const id of ['aVeryLongToolIdentifierOne', 'aVeryLongToolIdentifierTwo', 'third']) {
      const r = register(text, { list: 'tools', id, from: `./${id}.js` });
      if (!r.ok) throw new Error(r.reason);
      text = r.text;
      expect(text).toBe(await prettier.format(text, { ...(await projectPrettier()), filepath: 'index.ts' }));
    }
  });

  it('refuses a file whose list it cannot find, saying why', () => {
    expect(register('export const tools = makeTools();\n', { list: 'tools', id: 'x', from: './x.js' })).toEqual({
      ok: false,
      reason: 'it has no `export const tools = [...];`',
    });
  });
});
