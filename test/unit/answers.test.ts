import { describe, expect, it } from 'vitest';
import {
  normalizeFeatures,
  parseFeatureList,
  recommendedFeatures,
  resolveAnswers,
  type Prompter,
} from '../../src/answers.js';
import { CliError } from '../../src/errors.js';

const base = { cwd: '/work', env: {} as NodeJS.ProcessEnv };

/** A prompter that answers from a script and records what was asked. */
function scripted(answers: Partial<Record<keyof Prompter, unknown>>) {
  const asked: string[] = [];
  const prompter = Object.fromEntries(
    (['directory', 'name', 'transport', 'features', 'auth', 'store'] as const).map((q) => [
      q,
      async () => {
        asked.push(q);
        if (!(q in answers)) throw new Error(`unexpected question ${q}`);
        return answers[q];
      },
    ]),
  ) as unknown as Prompter;
  return { asked, prompter: async () => prompter };
}

async function usage(p: Promise<unknown>): Promise<CliError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CliError);
  expect((err as CliError).exitCode).toBe(2);
  return err as CliError;
}

describe('answer resolution: flag > --yes default > prompt > exit 2', () => {
  it('takes every answer from flags without asking', async () => {
    const s = scripted({});
    const r = await resolveAnswers(
      { directory: 'srv', transport: 'http', features: 'auth,cache', auth: 'oauth', store: 'redis', pm: 'pnpm' },
      { ...base, interactive: true, prompter: s.prompter },
    );
    expect(s.asked).toEqual([]);
    expect(r.directory).toBe('/work/srv');
    expect(r.answers).toMatchObject({
      name: 'srv',
      transport: 'http',
      features: ['auth', 'cache'],
      auth: 'oauth',
      store: 'redis',
      pm: 'pnpm',
    });
  });

  it('uses the defaults with --yes and asks nothing', async () => {
    const s = scripted({});
    const r = await resolveAnswers({ yes: true }, { ...base, interactive: true, prompter: s.prompter });
    expect(s.asked).toEqual([]);
    expect(r.answers.transport).toBe('both');
    expect(r.answers.features).toEqual(recommendedFeatures('both'));
    expect(r.answers).toMatchObject({ name: 'mcp-server', auth: 'apikey', store: 'memory', pm: 'npm' });
  });

  it('a flag wins over --yes', async () => {
    const r = await resolveAnswers({ yes: true, transport: 'stdio' }, { ...base, interactive: false });
    expect(r.answers.transport).toBe('stdio');
    expect(r.answers.features).not.toContain('auth');
  });

  it('asks only what flags left open, when interactive', async () => {
    const s = scripted({ transport: 'both', features: ['auth', 'cache'], auth: 'oauth', store: 'redis' });
    const r = await resolveAnswers({ directory: 'x' }, { ...base, interactive: true, prompter: s.prompter });
    expect(s.asked).toEqual(['transport', 'features', 'auth', 'store']);
    expect(r.answers).toMatchObject({ transport: 'both', features: ['auth', 'cache'], auth: 'oauth', store: 'redis' });
  });

  it('does not ask auth or store for features that do not need them', async () => {
    const s = scripted({ directory: 'x', transport: 'stdio', features: ['logging'] });
    const r = await resolveAnswers({}, { ...base, interactive: true, prompter: s.prompter });
    expect(s.asked).toEqual(['directory', 'transport', 'features']);
    expect(r.answers.features).toEqual(['logging']);
  });

  it.each([
    [{}, 'a directory argument'],
    [{ directory: 'x' }, '--transport'],
    [{ directory: 'x', transport: 'http' }, '--features'],
    [{ directory: 'x', transport: 'http', features: 'auth' }, '--auth'],
    [{ directory: 'x', transport: 'http', features: 'cache' }, '--store'],
  ])('not interactive, %j missing -> exit 2 naming %s', async (flags, flag) => {
    const err = await usage(resolveAnswers(flags, { ...base, interactive: false }));
    expect(`${err.message} ${err.hint}`).toContain(flag);
  });

  it.each([
    ['transport', { transport: 'tcp' }, 'stdio, http, both'],
    ['auth', { auth: 'basic' }, 'apikey, oauth'],
    ['store', { store: 'sqlite' }, 'memory, redis'],
    ['pm', { pm: 'deno' }, 'npm, pnpm, yarn, bun'],
  ])('an invalid %s is an error listing the valid values, even with --yes', async (_what, flags, valid) => {
    const err = await usage(resolveAnswers({ yes: true, directory: 'x', ...flags }, { ...base, interactive: false }));
    expect(err.hint).toContain(valid);
  });

  it('refuses an invalid --name and suggests a valid one', async () => {
    const err = await usage(
      resolveAnswers({ yes: true, directory: 'x', name: 'My Server' }, { ...base, interactive: false }),
    );
    expect(err.hint).toContain('--name my-server');
  });

  it('an invalid directory name needs --name when not interactive, and is asked when interactive', async () => {
    const err = await usage(resolveAnswers({ yes: true, directory: 'Cool App' }, { ...base, interactive: false }));
    expect(err.hint).toContain('--name cool-app');
    const s = scripted({ name: 'cool-app' });
    const r = await resolveAnswers(
      { yes: true, directory: 'Cool App' },
      { ...base, interactive: true, prompter: s.prompter },
    );
    expect(r.answers.name).toBe('cool-app');
    expect(r.directory).toBe('/work/Cool App');
  });
});

describe('feature lists', () => {
  it('parses, dedupes and orders by the registry', () => {
    expect(normalizeFeatures(parseFeatureList('tests, cache,cache,auth', 'http'), 'http').features).toEqual([
      'auth',
      'cache',
      'tests',
    ]);
  });
  it('"" means none and "all" means the recommended set', () => {
    expect(parseFeatureList('', 'http')).toEqual([]);
    expect(parseFeatureList('all', 'stdio')).toEqual(recommendedFeatures('stdio'));
  });
  it('rejects unknown ids, listing the valid ones', () => {
    expect(() => parseFeatureList('cache,telepathy', 'http')).toThrow(/Unknown feature: telepathy/);
  });
  it('refuses HTTP-only features on a stdio server', () => {
    expect(() => normalizeFeatures(['metrics', 'cache'], 'stdio')).toThrow(/metrics serves HTTP/);
  });
  it('the recommended stdio set has no HTTP-only feature', () => {
    expect(recommendedFeatures('stdio')).toEqual(['cache', 'breaker', 'logging', 'docker', 'tests']);
  });
});
