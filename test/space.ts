import { TRANSPORTS, valuesOf, type Answers, type Transport } from '../src/answers.js';
import {
  FEATURE_IDS,
  feature,
  optionApplies,
  OPTIONS,
  optionUsers,
  type FeatureId,
  type Option,
  type OptionAnswers,
  type OptionId,
} from '../src/features.js';
import { PMS, type Pm } from '../src/pm.js';

/**
 * The answer space: the combinations of answers the CLI accepts that the tests check, derived from the feature
 * registry (src/features.ts), so that a new feature, a new `requires`, `httpOnly` or `usesStore` is covered without
 * editing this file. Their number grows linearly with the registry (every feature alone, every feature off from
 * all, every pair of option values), not with the number of subsets. Options that only matter with some features (docs/TEMPLATES.md: `auth` with the auth feature, `store`
 * with a feature that uses the store) take every value only where they matter, and the default elsewhere.
 *
 * Besides the whole space: covering sets, small enough to install, type-check and test for real.
 */

/** Fixed, so that renders (and the committed snapshots) never depend on anything random. */
export const NAME = 'combo-server';
export const DESCRIPTION = 'A server that checks one combination of answers.';

/** The feature that generates the project's own test suite: the projects whose tests are run have it. */
export const SUITE: FeatureId = 'tests';

/** The value the CLI records for an option that does not matter (src/answers.ts resolveAnswers). */
const DEFAULT_PM: Pm = 'npm';

/**
 * Whether the CLI accepts a feature set on a transport: closed under `requires` (the CLI adds what a feature
 * requires, so an open set is never recorded) and without HTTP-only features on a stdio server (refused).
 */
export function accepted(transport: Transport, set: readonly FeatureId[]): boolean {
  return (
    set.every((id) => feature(id).requires.every((req) => set.includes(req))) &&
    (transport !== 'stdio' || set.every((id) => !feature(id).httpOnly))
  );
}

/** `ids` with what they require, transitively (as the CLI brings it in), in registry order. */
function closed(ids: readonly FeatureId[]): FeatureId[] {
  const set = new Set(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const id of [...set])
      for (const req of feature(id).requires)
        if (!set.has(req)) {
          set.add(req);
          grew = true;
        }
  }
  return FEATURE_IDS.filter((id) => set.has(id));
}

/**
 * The feature sets checked for a transport, a number linear in the size of the registry: none, all it accepts,
 * every feature alone (with what it requires) and every feature off from all (with what requires it). Each is a
 * set the CLI records (accepted above), in registry order; a feature the transport refuses appears in none.
 */
export function featureSets(transport: Transport): FeatureId[][] {
  const fits = FEATURE_IDS.filter((id) => accepted(transport, closed([id])));
  const all = closed(fits);
  const without = (id: FeatureId) => {
    let set = all.filter((f) => f !== id);
    // Whatever requires the feature goes with it.
    while (!accepted(transport, set)) set = set.filter((f) => feature(f).requires.every((r) => set.includes(r)));
    return set;
  };
  const sets = [[], all, ...fits.map((id) => closed([id])), ...fits.map(without)];
  const seen = new Set<string>();
  return sets.filter((set) => {
    const key = set.join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function answers(
  transport: Transport,
  features: readonly FeatureId[],
  over: Partial<OptionAnswers & Pick<Answers, 'pm'>> = {},
): Answers {
  return {
    name: NAME,
    description: DESCRIPTION,
    transport,
    features: FEATURE_IDS.filter((id) => features.includes(id)),
    ...(Object.fromEntries(OPTIONS.map((o) => [o.id, over[o.id] ?? o.default])) as OptionAnswers),
    pm: over.pm ?? DEFAULT_PM,
  };
}

const option = (id: OptionId): Option => OPTIONS.find((o) => o.id === id)!;
/** The value of an option in a combination. */
export const valueOf = (a: Answers, o: Option): string => a[o.id as OptionId];
/** Whether an option matters for these answers: a chosen feature names it (`options` in the registry). */
export const matters = (o: Option, a: Pick<Answers, 'features'>) => optionApplies(o, a.features);
/** The values of the two options the registry declares today, for tests that name them. */
export const AUTH_KINDS = valuesOf(option('auth')) as Answers['auth'][];
export const STORES = valuesOf(option('store')) as Answers['store'][];
/** The features that keep state in the store. */
export const storeUsers = (ids: readonly FeatureId[]) => optionUsers(option('store'), ids);
export const authMatters = (a: Pick<Answers, 'features'>) => matters(option('auth'), a);
export const storeMatters = (a: Pick<Answers, 'features'>) => matters(option('store'), a);

/** Every combination of the options' values, each option taking every value only where it matters. */
function optionChoices(transport: Transport, set: FeatureId[]): Answers[] {
  let out = [answers(transport, set)];
  for (const o of OPTIONS) {
    if (!matters(o, out[0]!)) continue;
    out = out.flatMap((a) => valuesOf(o).map((v) => ({ ...a, [o.id]: v })));
  }
  return out.filter((a) => refusedBy(a).length === 0);
}

/** What the options' values refuse in these answers (a runtime that cannot serve a feature): the CLI's exit 2. */
export function refusedBy(a: Answers): string[] {
  const options = Object.fromEntries(OPTIONS.map((o) => [o.id, valueOf(a, o)]));
  return OPTIONS.flatMap((o) =>
    matters(o, a) ? (o.refuses?.(valueOf(a, o), { transport: a.transport, features: a.features, options }) ?? []) : [],
  );
}

/**
 * The answers checked, with pm npm: transport x the feature sets above x each option's values (where it
 * matters). It grows linearly with the registry; every pair of option values the CLI accepts occurs in it (the
 * sets above hold each feature on and off next to every other feature on and off), which `pairwiseSet` covers.
 */
export function answerSpace(): Answers[] {
  return TRANSPORTS.flatMap((transport) => featureSets(transport).flatMap((set) => optionChoices(transport, set)));
}

/** The largest feature set a transport accepts. */
export function allFeatures(transport: Transport): FeatureId[] {
  return closed(FEATURE_IDS.filter((id) => accepted(transport, closed([id]))));
}

/**
 * The other package managers (pm only changes text: commands in the README, the CI workflow, the Dockerfile):
 * for each, the smallest stdio project and the largest project on both transports.
 */
export function pmProjects(): Answers[] {
  return PMS.filter((pm) => pm !== DEFAULT_PM).flatMap((pm) => [
    answers('stdio', [], { pm }),
    answers('both', allFeatures('both'), { pm, ...lastValues() }),
  ]);
}

/** The last value of every option: with `allFeatures`, the project furthest from the defaults. */
function lastValues(): Partial<OptionAnswers> {
  return Object.fromEntries(OPTIONS.map((o) => [o.id, valuesOf(o).at(-1)]));
}

/** A short, unique, readable id: `http+auth:oauth+cache+ratelimit+store:redis` (`-none` for no feature). */
export function comboId(a: Answers): string {
  const parts: string[] = [a.transport];
  // An option that only its namesake feature has is shown with it (`auth:oauth`); the others after the features.
  const own = (id: FeatureId) => OPTIONS.find((o) => o.id === id && optionUsers(o, FEATURE_IDS).join() === id);
  for (const id of a.features) parts.push(own(id) ? `${id}:${valueOf(a, own(id)!)}` : id);
  if (a.features.length === 0) parts.push('none');
  for (const o of OPTIONS) if (matters(o, a) && !own(o.id as FeatureId)) parts.push(`${o.id}:${valueOf(a, o)}`);
  if (a.pm !== DEFAULT_PM) parts.push(`pm:${a.pm}`);
  return parts.join('+');
}

/**
 * The options a covering set spans, each with the value it has in a combination: the transport, each feature
 * on/off, the auth kind and the store ("-" where the option does not matter).
 */
export function optionValues(a: Answers): string[] {
  return [
    `transport=${a.transport}`,
    ...FEATURE_IDS.map((id) => `${id}=${a.features.includes(id) ? 'on' : 'off'}`),
    ...OPTIONS.map((o) => `${o.id}=${matters(o, a) ? valueOf(a, o) : '-'}`),
  ];
}

/**
 * Whether some combination the CLI accepts has all these option values (the strings of `optionValues`), decided
 * from the registry's rules without listing the combinations: the features that must be on, with what they
 * require, must fit in the largest set left when the features that must be off (and what requires them) are out;
 * an option that must matter needs one of its features in, one that must not matter none.
 */
export function feasible(values: readonly string[]): boolean {
  // A feature and an option may share a name (`auth`): a feature's values are `on` and `off`, an option's never.
  const want = new Map(values.filter((v) => !/=(on|off)$/.test(v)).map((v) => v.split('=') as [string, string]));
  const on = FEATURE_IDS.filter((id) => values.includes(`${id}=on`));
  const off = FEATURE_IDS.filter((id) => values.includes(`${id}=off`));
  const optionOk = (set: FeatureId[], o: Option) => {
    const v = want.get(o.id);
    return v === undefined || (v === '-' ? !matters(o, { features: set }) : matters(o, { features: set }));
  };
  // Features that bring in the options: none, or one for each option.
  let extras: FeatureId[][] = [[]];
  for (const o of OPTIONS) extras = extras.flatMap((e) => [e, ...optionUsers(o, FEATURE_IDS).map((u) => [...e, u])]);
  const transport = want.get('transport');
  return TRANSPORTS.filter((t) => transport === undefined || transport === t).some((t) => {
    let max = allFeatures(t).filter((id) => !off.includes(id));
    while (!accepted(t, max)) max = max.filter((f) => feature(f).requires.every((r) => max.includes(r)));
    return extras.some((extra) => {
      const set = closed([...on, ...extra]);
      if (!set.every((id) => max.includes(id)) || !OPTIONS.every((o) => optionOk(set, o))) return false;
      // And nothing an option's value refuses (a runtime that cannot serve the transport or a feature).
      const chosen = Object.fromEntries(
        OPTIONS.map((o) => [o.id, want.get(o.id) ?? o.default]).filter(([, v]) => v !== '-'),
      ) as Partial<OptionAnswers>;
      return refusedBy(answers(t, set, chosen)).length === 0;
    });
  });
}

/** Every pair of values of the options a covering set spans, whether or not a combination has it. */
export function allPairs(): string[][] {
  const options = [
    TRANSPORTS.map((t) => `transport=${t}`),
    ...FEATURE_IDS.map((id) => [`${id}=on`, `${id}=off`]),
    ...OPTIONS.map((o) => [...valuesOf(o), '-'].map((v) => `${o.id}=${v}`)),
  ];
  const out: string[][] = [];
  for (let i = 0; i < options.length; i++)
    for (let j = i + 1; j < options.length; j++)
      for (const x of options[i]!) for (const y of options[j]!) out.push([x, y]);
  return out;
}

/** Every pair of option values of a combination. */
export function pairsOf(a: Answers): string[] {
  const v = optionValues(a);
  const out: string[] = [];
  for (let i = 0; i < v.length; i++) for (let j = i + 1; j < v.length; j++) out.push(`${v[i]} & ${v[j]}`);
  return out;
}

/**
 * Greedy cover: picks candidates until every target that some candidate has is had by a picked one, each time the
 * candidate with the most targets still missing (the first such, so the result is stable).
 */
export function cover(candidates: readonly Answers[], targetsOf: (a: Answers) => string[]): Answers[] {
  const targets = candidates.map((a) => new Set(targetsOf(a)));
  const missing = new Set(targets.flatMap((t) => [...t]));
  const picked: Answers[] = [];
  while (missing.size > 0) {
    let best = -1;
    let bestCount = 0;
    targets.forEach((t, i) => {
      let n = 0;
      for (const x of t) if (missing.has(x)) n++;
      if (n > bestCount) [best, bestCount] = [i, n];
    });
    picked.push(candidates[best]!);
    for (const x of targets[best]!) missing.delete(x);
  }
  return picked;
}

/**
 * All pairs: every pair of option values that occurs in the space (transport, each feature on/off, auth kind,
 * store) occurs together in at least one project of this set.
 */
export function pairwiseSet(space: readonly Answers[] = answerSpace()): Answers[] {
  return cover(space, pairsOf);
}

/**
 * Projects whose own test suite is run: each has the `tests` feature; on every transport each other feature it
 * accepts is on in one and off in another; both auth kinds occur, and each feature that uses the store runs on
 * both stores.
 */
export function testedSet(space: readonly Answers[] = answerSpace()): Answers[] {
  const withTests = space.filter((a) => a.features.includes(SUITE));
  return cover(withTests, (a) => [
    ...FEATURE_IDS.filter((id) => id !== SUITE).map(
      (id) => `${a.transport}: ${id}=${a.features.includes(id) ? 'on' : 'off'}`,
    ),
    ...OPTIONS.flatMap((o) => optionUsers(o, a.features).map((id) => `${id} with ${o.id}=${valueOf(a, o)}`)),
  ]);
}

/** The representative projects kept under test/snapshots/<name>/. */
export function snapshotProjects(): Record<string, Answers> {
  return {
    'minimal-stdio': answers('stdio', []),
    'all-http-apikey-memory': answers('http', allFeatures('http'), { auth: 'apikey', store: 'memory' }),
    // The last value of every option but the runtime: Workers refuse stdio, Docker and Redis.
    'all-both-oauth-redis': answers('both', allFeatures('both'), { ...lastValues(), runtime: 'node' }),
    'workers-http-apikey-memory': answers(
      'http',
      allFeatures('http').filter((id) => refusedBy(answers('http', [id], { runtime: 'workers' })).length === 0),
      { runtime: 'workers', auth: 'apikey', store: 'memory' },
    ),
  };
}
