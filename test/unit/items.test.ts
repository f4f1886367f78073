import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { optionDefaults, type Answers } from '../../src/answers.js';
import { namesOf, newItem, schemeOf, uriVariables, type Item } from '../../src/engine/items.js';
import { mergeFile } from '../../src/engine/merge.js';
import { quote, render } from '../../src/engine/render.js';

const answers = (features: Answers['features'], transport: Answers['transport'] = 'http', items: Item[] = []) => ({
  ...optionDefaults(),
  name: 'weather-mcp',
  description: 'A production-ready MCP server.',
  transport,
  features,
  auth: 'apikey' as const,
  store: 'memory' as const,
  runtime: 'node' as const,
  pm: 'npm' as const,
  ...(items.length > 0 && { items }),
});

const LONG = 'a_rather_long_tool_name_that_fills_the_line_x'; // 45 characters
const tool = (name: string, description: string, o: Partial<Item> = {}) =>
  newItem({
    kind: 'tool',
    name,
    description,
    upstream: false,
    readOnly: false,
    destructive: false,
    cache: false,
    ...o,
  });
const items: Item[] = [
  tool('weather', 'Current weather.', { readOnly: true }),
  tool('forecast', 'x'.repeat(200), { upstream: true, cache: true, readOnly: true }),
  tool(LONG, `It's "quoted" \\ and long: ${'y'.repeat(90)}`, { upstream: true, destructive: true }),
  tool('bobs', "Bob's and Alice's tool."),
  newItem({ kind: 'resource', name: 'settings', description: 'Settings.', uri: 'weather-mcp://settings' }),
  newItem({
    kind: 'resource',
    name: LONG,
    description: 'A city.',
    uri: `weather-mcp://city/{city}/${LONG}/{day_of_week}`,
  }),
  newItem({
    kind: 'resource',
    name: `${LONG}_fixed`.slice(0, 48),
    description: 'Fixed.',
    uri: `weather-mcp://${'f'.repeat(90)}`,
  }),
  newItem({ kind: 'prompt', name: 'summarize', description: 'Summarizes.' }),
  newItem({ kind: 'prompt', name: LONG, description: 'z'.repeat(150) }),
];
const LISTS = ['src/tools/index.ts', 'src/resources/index.ts', 'src/prompts/index.ts'];

/** The options Prettier formats a generated project with (its .prettierrc). */
async function projectPrettier(): Promise<prettier.Options> {
  const tree = await render(answers(['tests']));
  return JSON.parse(tree['.prettierrc.json']!) as prettier.Options;
}

describe('add tool|resource|prompt: the files render() makes from the recorded items', () => {
  it('are Prettier-clean, the index files included, with and without the cache and test features, on both transports', async () => {
    const options = await projectPrettier();
    for (const [features, transport] of [
      [['cache', 'tests'], 'http'],
      [['tests'], 'stdio'],
      [[], 'both'],
    ] as const) {
      const without = await render(answers([...features], transport));
      const tree = await render(answers([...features], transport, items));
      const added = Object.keys(tree).filter((p) => !(p in without));
      const expected = items.map((i) => i.file);
      if (features.includes('tests' as never))
        expected.push(...items.map((i) => i.file.replace(/^src\/(\w+)\/(.*)\.ts$/, 'test/$1/$2.test.ts')));
      expect(added.sort()).toEqual(expected.sort());
      for (const file of [...added, ...LISTS]) {
        const formatted = await prettier.format(tree[file]!, { ...options, filepath: file });
        expect(tree[file], file).toBe(formatted);
      }
    }
  });

  it('names the file, the identifier and the title from the MCP name', () => {
    expect(namesOf('get_forecast')).toEqual({ file: 'get-forecast', id: 'getForecast', title: 'Get forecast' });
    expect(namesOf('weather')).toEqual({ file: 'weather', id: 'weather', title: 'Weather' });
    expect(newItem({ kind: 'tool', name: 'get_forecast', description: 'd' })).toMatchObject({
      id: 'getForecast',
      file: 'src/tools/get-forecast.ts',
    });
  });

  it('lists the items in their index, in the order added, one entry per line', async () => {
    const tree = await render(answers([], 'http', items));
    expect(tree['src/tools/index.ts']).toContain(
      "import { upstreamGet } from './upstream-get.js';\nimport { weather } from './weather.js';\nimport { forecast } from './forecast.js';\n",
    );
    expect(tree['src/tools/index.ts']).toMatch(/^ {2}fetchUrl,\n {2}weather,\n {2}forecast,\n/m);
    expect(tree['src/prompts/index.ts']).toMatch(/^ {2}weatherAlerts,\n {2}summarize,\n/m);
  });

  it('writes cache: true only when the project has the cache feature', async () => {
    const file = 'src/tools/forecast.ts';
    expect((await render(answers(['cache'], 'http', items)))[file]).toMatch(/^ {2}cache: true,$/m);
    expect((await render(answers([], 'http', items)))[file]).not.toMatch(/cache: true/);
  });

  it('maps the options to the annotations', async () => {
    const tree = await render(answers([], 'http', items));
    expect(tree[items[2]!.file]).toMatch(
      /annotations: \{ readOnlyHint: false, destructiveHint: true, openWorldHint: true \}/,
    );
    expect(tree['src/tools/weather.ts']).toMatch(
      /annotations: \{ readOnlyHint: true, idempotentHint: true, openWorldHint: false \}/,
    );
  });

  it('validates each URI template variable, and a fixed URI has none', async () => {
    expect(uriVariables('a://city/{city}/{day}')).toEqual(['city', 'day']);
    const tree = await render(answers([], 'http', items));
    const file = tree[items[5]!.file]!;
    expect(file).toMatch(/city: z\.string\(\)\.min\(1\)\.max\(200\)/);
    expect(file).toMatch(/day_of_week: z\.string\(\)/);
    expect(tree['src/resources/settings.ts']).not.toMatch(/params|zod/);
    expect(schemeOf('@acme/Weather_MCP')).toBe('weather-mcp');
    expect(schemeOf('1st')).toBe('app-1st');
  });

  it('quotes strings as Prettier does with singleQuote', () => {
    expect(quote('plain')).toBe("'plain'");
    expect(quote(`It's "x"`)).toBe(`'It\\'s "x"'`);
    expect(quote("Bob's and Alice's")).toBe(`"Bob's and Alice's"`);
    expect(quote('a\\b\nc')).toBe("'a\\\\b\\nc'");
  });
});

describe('the index merged with your edits', () => {
  it('keeps your own entries, comments and deletions, and adds the new item', async () => {
    const before = await render(answers([]));
    const after = await render(answers([], 'http', [items[0]!]));
    const base = before['src/tools/index.ts']!;
    const ours = base
      .replace("import { echo } from './echo.js';\n", '')
      .replace(
        "import { upstreamGet } from './upstream-get.js';\n",
        "import { upstreamGet } from './upstream-get.js';\nimport { charge } from './billing/charge.js';\n",
      )
      .replace('  echo,\n', '')
      .replace('  fetchUrl,\n', '  fetchUrl,\n  charge, // ours\n')
      .replace('export const', '// My note.\nexport const');
    const step = mergeFile({ path: 'src/tools/index.ts', base, theirs: after['src/tools/index.ts']!, ours });
    expect(step.action).toBe('merge');
    expect(step.content).toContain(
      "import { upstreamGet } from './upstream-get.js';\nimport { charge } from './billing/charge.js';\nimport { weather } from './weather.js';\n",
    );
    expect(step.content).toContain('  upstreamGet,\n  fetchUrl,\n  charge, // ours\n  weather,\n');
    expect(step.content).toContain('// My note.\n');
    expect(step.content).not.toContain('echo');
  });

  it('a file that is not an index still conflicts where both sides inserted at one place', () => {
    const step = mergeFile({ path: 'src/server.ts', base: 'a\nb\n', theirs: 'a\nx\nb\n', ours: 'a\ny\nb\n' });
    expect(step.action).toBe('conflict');
  });
});
