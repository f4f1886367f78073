/**
 * The feature registry: one line per feature, in the order features appear in prompts, in `list` and in
 * generated files. Each feature is a self-contained folder, templates/<id>/ (docs/ARCHITECTURE.md,
 * "Feature modules"); its `feature.ts` says everything about it. The engine does not change for a new feature.
 */
import type { FeatureDefinition } from './feature-api.js';
import auth from '../templates/auth/feature.js';
import cache from '../templates/cache/feature.js';
import breaker from '../templates/breaker/feature.js';
import ratelimit from '../templates/ratelimit/feature.js';
import logging from '../templates/logging/feature.js';
import metrics from '../templates/metrics/feature.js';
import health from '../templates/health/feature.js';
import tracing from '../templates/tracing/feature.js';
import docker from '../templates/docker/feature.js';
import tests from '../templates/tests/feature.js';

export { default as BASE } from '../templates/base/base.js';

const REGISTRY = [auth, cache, breaker, ratelimit, logging, metrics, health, tracing, docker, tests] as const;

export type FeatureId = (typeof REGISTRY)[number]['id'];
export type Feature = Omit<FeatureDefinition<FeatureId>, 'requires'> & { requires: readonly FeatureId[] };
export type { Deps } from './feature-api.js';

export const FEATURE_IDS: readonly FeatureId[] = REGISTRY.map((f) => f.id);

for (const f of REGISTRY) {
  const unknown = f.requires.filter((id) => !(FEATURE_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) throw new Error(`feature ${f.id} requires unknown features: ${unknown.join(', ')}`);
}
export const FEATURES = REGISTRY as readonly Feature[];

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

/** The features among `ids` that keep state in the store: --store matters only when there is one. */
export function storeUsers(ids: readonly FeatureId[]): FeatureId[] {
  return ids.filter((id) => feature(id).usesStore);
}

/** The features among `ids` that serve HTTP only. */
export function httpOnly(ids: readonly FeatureId[]): FeatureId[] {
  return ids.filter((id) => feature(id).httpOnly);
}

/** Which features --store backs, for help texts and errors: "cache and ratelimit". */
export const STORE_USERS_TEXT = storeUsers(FEATURE_IDS).join(' and ');
