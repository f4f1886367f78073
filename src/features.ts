/**
 * The feature registry: one line per feature, in the order features appear in prompts, in `list` and in
 * generated files. Each feature is a self-contained folder, templates/<id>/ (docs/ARCHITECTURE.md,
 * "Feature modules"); its `feature.ts` says everything about it. The engine does not change for a new feature.
 */
import type { BaseDefinition, FeatureDefinition, OptionDefinition } from './feature-api.js';
import BASE_DEFINITION from '../templates/base/base.js';
import auth from '../templates/auth/feature.js';
import cache from '../templates/cache/feature.js';
import breaker from '../templates/breaker/feature.js';
import ratelimit from '../templates/ratelimit/feature.js';
import logging from '../templates/logging/feature.js';
import metrics from '../templates/metrics/feature.js';
import health from '../templates/health/feature.js';
import tracing from '../templates/tracing/feature.js';
import docker from '../templates/docker/feature.js';
import kubernetes from '../templates/kubernetes/feature.js';
import tests from '../templates/tests/feature.js';

export const BASE = BASE_DEFINITION;

const REGISTRY = [
  auth,
  cache,
  breaker,
  ratelimit,
  logging,
  metrics,
  health,
  tracing,
  docker,
  kubernetes,
  tests,
] as const;

export type FeatureId = (typeof REGISTRY)[number]['id'];
export type Feature = Omit<FeatureDefinition<FeatureId>, 'requires'> & { requires: readonly FeatureId[] };

/** Every option a feature declares, as its literal type: its id and its values. */
type DeclaredOption = (typeof REGISTRY)[number]['options'][number] | (typeof BASE_DEFINITION)['options'][number];
export type OptionId = DeclaredOption['id'];
/** The answers the options give: `{ auth: 'apikey' | 'oauth'; store: 'memory' | 'redis' }`. */
export type OptionAnswers = { [O in DeclaredOption as O['id']]: O['values'][number]['value'] };
export type Option = OptionDefinition<OptionId>;
export type { Deps } from './feature-api.js';

export const FEATURE_IDS: readonly FeatureId[] = REGISTRY.map((f) => f.id);

for (const f of REGISTRY) {
  const unknown = f.requires.filter((id) => !(FEATURE_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) throw new Error(`feature ${f.id} requires unknown features: ${unknown.join(', ')}`);
}
export const FEATURES = REGISTRY as readonly Feature[];

/**
 * Every option, once, in the order it first appears: the project's own (base.ts), then the features' in registry
 * order. An option two features share is one declaration both name; two declarations of one id are a mistake.
 */
export const OPTIONS: readonly Option[] = (() => {
  const out: Option[] = [];
  for (const o of [...((BASE as BaseDefinition).options ?? []), ...FEATURES.flatMap((f) => f.options)] as Option[]) {
    const same = out.find((x) => x.id === o.id);
    if (same && same !== o) throw new Error(`option ${o.id} is declared twice: declare it once and name it`);
    if (!same) out.push(o);
  }
  return out;
})();

/** An option's flag: its id in kebab case (`auditSink` -> `--audit-sink`; commander gives it back as the id). */
export function optionFlag(option: { id: string }): string {
  return `--${option.id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The chosen features an option answers for (all of them for a project-level option). */
export function optionUsers(option: Option, ids: readonly FeatureId[]): FeatureId[] {
  return option.scope === 'project' ? [...ids] : ids.filter((id) => feature(id).options.includes(option));
}

/** Whether an option applies to a project with these features. */
export function optionApplies(option: Option, ids: readonly FeatureId[]): boolean {
  return option.scope === 'project' || optionUsers(option, ids).length > 0;
}

/** The features that declare an option, for messages: "cache and ratelimit". */
export function optionUsersText(option: Option): string {
  return optionUsers(option, FEATURE_IDS).join(' and ');
}

export function feature(id: FeatureId): Feature {
  const found = FEATURES.find((f) => f.id === id);
  if (!found) throw new Error(`unknown feature ${id}`);
  return found;
}

/**
 * `ids` with every feature they require, transitively, in registry order. `requiresOf` is a parameter so that the
 * rule is tested on its own; no feature of the registry requires another today.
 */
export function withRequired(
  ids: readonly FeatureId[],
  requiresOf: (id: FeatureId) => readonly FeatureId[] = (id) => feature(id).requires,
): FeatureId[] {
  const chosen = new Set<FeatureId>();
  const visit = (id: FeatureId) => {
    if (chosen.has(id)) return;
    chosen.add(id);
    requiresOf(id).forEach(visit);
  };
  ids.forEach(visit);
  return FEATURE_IDS.filter((id) => chosen.has(id));
}

/** The features among `ids` that serve HTTP only. */
export function httpOnly(ids: readonly FeatureId[]): FeatureId[] {
  return ids.filter((id) => feature(id).httpOnly);
}
