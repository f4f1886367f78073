import { describe, expect, it } from 'vitest';
import {
  normalizeFeatures,
  optionDefaults,
  parseFeatureList,
  recommendedFeatures,
  resolveAnswers,
  type Answers,
  type Prompter,
} from '../../src/answers.js';
import { CliError } from '../../src/errors.js';
import { feature, FEATURE_IDS } from '../../src/features.js';
import { storeUsers } from '../space.js';

const base = { cwd: '/work', env: {} as NodeJS.ProcessEnv };

/**
 * A prompter that answers from a script and records what was asked, and with which arguments. An option's
 * question is recorded under the option's id (`auth`, `store`), with its initial value and the features it is for.
 */
function scripted(answers: Record<string, unknown>) {
  const asked: string[] = [];
  const args: Record<string, unknown[]> = {};
  const answer = (q: string, a: unknown[]) => {
    asked.push(q);
    args[q] = a;
    if (!(q in answers)) throw new Error(`unexpected question ${q}`);
    return answers[q];
  };
  const prompter = {
    ...Object.fromEntries(
      (['directory', 'name', 'transport', 'features'] as const).map((q) => [
        q,
        async (...a: unknown[]) => answer(q, a),
      ]),
    ),
    option: async (o: { id: string }, initial: string, users: readonly string[]) =>
      answer(o.id, o.id === 'auth' ? [initial] : [initial, users]),
  } as unknown as Prompter;
  return { asked, args, prompter: async () => prompter };
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

describe('create: defaults, then flags, then questions (interactive only), else exit 2', () => {
  it('takes every answer from flags without asking', async () => {
    const s = scripted({});
    const r = await resolveAnswers(
      {
        directory: 'srv',
        transport: 'http',
        features: 'auth,cache',
        auth: 'oauth',
        store: 'redis',
        pm: 'pnpm',
        runtime: 'node',
      },
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
    const s = scripted({
      runtime: 'node',
      transport: 'both',
      features: ['auth', 'cache'],
      auth: 'oauth',
      store: 'redis',
    });
    const r = await resolveAnswers({ directory: 'x' }, { ...base, interactive: true, prompter: s.prompter });
    expect(s.asked).toEqual(['runtime', 'transport', 'features', 'auth', 'store']);
    expect(r.answers).toMatchObject({ transport: 'both', features: ['auth', 'cache'], auth: 'oauth', store: 'redis' });
  });

  it('names the features the store is for when it asks', async () => {
    const s = scripted({ store: 'redis', runtime: 'node' });
    await resolveAnswers(
      { directory: 'x', transport: 'http', features: 'cache,metrics' },
      { ...base, interactive: true, prompter: s.prompter },
    );
    expect(s.args.store).toEqual(['memory', ['cache']]);
  });

  it('records the default for an answer no chosen feature needs, for a later add to start from', async () => {
    const r = await resolveAnswers(
      { directory: 'x', transport: 'http', features: '' },
      { ...base, interactive: false },
    );
    expect(r.answers).toMatchObject({ features: [], auth: 'apikey', store: 'memory' });
  });

  it.each([
    [{ auth: 'oauth' }, /--auth answers for the auth feature, which the chosen features \(cache\) do not include/],
    [{ store: 'redis' }, /--store answers for the cache and ratelimit features[^]*\(logging\)/],
  ])('refuses %j when no chosen feature uses it, instead of recording it', async (flag, message) => {
    const features = 'auth' in flag ? 'cache' : 'logging';
    const err = await usage(
      resolveAnswers({ directory: 'x', transport: 'http', features, ...flag }, { ...base, interactive: false }),
    );
    expect(err.message).toMatch(message);
  });

  it('does not ask auth or store for features that do not need them', async () => {
    const s = scripted({ directory: 'x', runtime: 'node', transport: 'stdio', features: ['logging'] });
    const r = await resolveAnswers({}, { ...base, interactive: true, prompter: s.prompter });
    expect(s.asked).toEqual(['directory', 'runtime', 'transport', 'features']);
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
    expect(normalizeFeatures(parseFeatureList('tests, cache,cache,auth', 'http'), 'http')).toEqual([
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
  it('the recommended stdio set has no HTTP-only feature, and every other one', () => {
    const stdio = recommendedFeatures('stdio');
    for (const id of FEATURE_IDS) expect(stdio.includes(id), id).toBe(!feature(id).httpOnly);
    expect(recommendedFeatures('both')).toEqual(FEATURE_IDS);
  });
});

describe('add: the recorded answers, then flags, then questions (interactive only), else exit 2', () => {
  const recorded: Answers = {
    ...optionDefaults(),
    name: 'app',
    description: 'D.',
    transport: 'both',
    features: ['logging'],
    auth: 'apikey',
    store: 'memory',
    runtime: 'node',
    pm: 'pnpm',
  };
  const add = (features: string, flags: object = {}, over: Partial<Answers> = {}, interactive = false) =>
    resolveAnswers(
      { directory: '.', features, ...flags },
      { ...base, interactive, recorded: { ...recorded, ...over } },
    );

  it('adds to the recorded answers in registry order and reports present features', async () => {
    const r = await add('metrics,logging,cache', { store: 'redis' });
    expect(r.answers).toEqual({ ...recorded, features: ['cache', 'logging', 'metrics'], store: 'redis' });
    expect(r.adding).toEqual(['cache', 'metrics']);
    expect(r.present).toEqual(['logging']);
    expect(r.directory).toBe('/work');
  });
  it('keeps the recorded package manager; --pm only picks the one for this run', async () => {
    const r = await add('breaker', { pm: 'npm' });
    expect(r.answers.pm).toBe('pnpm');
    expect(r.pm).toBe('npm');
  });
  it('"all" means every feature that fits the recorded transport', async () => {
    const r = await add('all', { yes: true }, { transport: 'stdio' });
    expect(r.adding).toEqual(recommendedFeatures('stdio').filter((id) => id !== 'logging'));
    expect(r.adding.some((id) => feature(id).httpOnly)).toBe(false);
  });
  it('answers --auth / --store for features being added; without the flag, the recorded answer', async () => {
    expect((await add('auth')).answers.auth).toBe('apikey');
    expect((await add('auth', {}, { auth: 'oauth' })).answers.auth).toBe('oauth');
    expect((await add('ratelimit', {}, { store: 'redis' })).answers.store).toBe('redis');
    expect((await add('ratelimit')).answers.store).toBe('memory');
    expect((await add('auth', { auth: 'oauth' })).answers.auth).toBe('oauth');
    expect((await add('auth', { yes: true }, { auth: 'oauth' })).answers.auth).toBe('oauth');
  });
  it('asks on a terminal with the recorded answer as the default, once, and only what is open', async () => {
    const s = scripted({ store: 'redis' });
    const r = await resolveAnswers(
      { directory: '.', features: 'cache,metrics' },
      { ...base, interactive: true, prompter: s.prompter, recorded },
    );
    expect(s.asked).toEqual(['store']);
    expect(s.args.store).toEqual(['memory', ['cache']]);
    expect(r.answers.store).toBe('redis');
  });
  it('refuses a flag that would switch a recorded choice, or that answers for no feature being added', async () => {
    const withAuth = { features: ['auth', 'cache'] as Answers['features'] };
    await expect(add('metrics', { auth: 'oauth' }, withAuth)).rejects.toThrow(/app already uses apikey for auth/);
    await expect(add('metrics', { store: 'redis' }, withAuth)).rejects.toThrow(
      /app already uses memory for cache and ratelimit/,
    );
    expect((await add('ratelimit', { store: 'memory' }, withAuth)).answers.store).toBe('memory');
    await expect(add('metrics', { auth: 'oauth' })).rejects.toThrow(/--auth answers for the auth feature/);
    await expect(add('metrics', { store: 'redis' })).rejects.toMatchObject({
      message: expect.stringMatching(/--store answers for the cache and ratelimit features/),
      hint: 'Add one too: create-mcp-prod add cache --store redis',
    });
    await expect(add('metrics', { auth: 'kerberos' })).rejects.toMatchObject({ hint: 'Valid values: apikey, oauth.' });
  });
  it('refuses unknown features, and HTTP-only features on a stdio project, with exit code 2', async () => {
    await expect(add('telepathy')).rejects.toMatchObject({ exitCode: 2, hint: expect.stringMatching(/auth, cache/) });
    await expect(add('metrics', {}, { transport: 'stdio' })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/metrics serves HTTP, and app is a stdio-only server/),
    });
  });
  it('asks for the store exactly when the first feature that uses it comes in', async () => {
    for (const id of FEATURE_IDS.filter((f) => f !== 'logging')) {
      // Every option's question is answered with its default, the store's with redis.
      const s = scripted({ ...optionDefaults(), store: 'redis' });
      const r = await resolveAnswers(
        { directory: '.', features: id },
        { ...base, interactive: true, prompter: s.prompter, recorded },
      );
      expect(s.asked.includes('store'), id).toBe(storeUsers([id]).length > 0);
      expect(r.adding, id).toEqual([id]);
    }
    // With a store user recorded, the next one is not asked about: the project has made that choice.
    await expect(add('ratelimit', {}, { features: ['cache'], store: 'redis' })).resolves.toMatchObject({
      answers: { store: 'redis' },
    });
  });
});
