/**
 * The feature registry: every feature is data here plus one folder in templates/ (docs/TEMPLATES.md).
 * Adding a feature means adding an entry and a folder; the engine does not change.
 */
export const FEATURE_IDS = [
  'auth',
  'cache',
  'breaker',
  'ratelimit',
  'logging',
  'metrics',
  'health',
  'docker',
  'tests',
] as const;

export type FeatureId = (typeof FEATURE_IDS)[number];

export type Deps = Readonly<Record<string, string>>;

export interface Feature {
  id: FeatureId;
  title: string;
  description: string;
  /** Features this one needs; `add` and `create` bring them in with a message. */
  requires: readonly FeatureId[];
  /** Serves HTTP only: refused with --transport stdio. */
  httpOnly: boolean;
  /** Keeps its state in the store chosen with --store (memory or Redis). */
  usesStore: boolean;
  /** Options of the CLI that only matter with this feature. */
  options: readonly string[];
  dependencies: Deps;
  devDependencies: Deps;
}

/** Dependencies of every generated project (templates/base). */
export const BASE: { dependencies: Deps; devDependencies: Deps } = {
  dependencies: {
    '@modelcontextprotocol/server': '^2.4.0',
    zod: '^4.6.7',
  },
  devDependencies: {
    '@types/node': '^24.19.2',
    prettier: '^3.10.1',
    tsx: '^4.23.15',
    typescript: '^7.0.2',
  },
};

/** Dependencies added when the transport serves HTTP (http or both). */
export const HTTP: { dependencies: Deps; devDependencies: Deps } = {
  dependencies: {
    '@modelcontextprotocol/express': '^2.0.2',
    '@modelcontextprotocol/node': '^2.1.2',
    cors: '^2.8.5',
    express: '^5.3.0',
  },
  devDependencies: {
    '@types/cors': '^2.8.19',
    '@types/express': '^5.0.6',
  },
};

/** Dependencies added when the store is Redis and a feature uses it. */
export const REDIS: { dependencies: Deps; devDependencies: Deps } = {
  dependencies: { ioredis: '^6.0.0' },
  devDependencies: {},
};

export const FEATURES: readonly Feature[] = [
  {
    id: 'auth',
    title: 'Authentication',
    description: 'API keys (Bearer) or an OAuth 2.1 resource server (JWT, RFC 9728 metadata)',
    requires: [],
    httpOnly: true,
    usesStore: false,
    options: ['--auth'],
    dependencies: { jose: '^6.2.18' },
    devDependencies: {},
  },
  {
    id: 'cache',
    title: 'Cache',
    description: 'Tool results cached per caller, in memory (lru-cache) or Redis',
    requires: [],
    httpOnly: false,
    usesStore: true,
    options: ['--store'],
    dependencies: { 'lru-cache': '^11.5.3' },
    devDependencies: {},
  },
  {
    id: 'breaker',
    title: 'Circuit breaker',
    description: 'Timeouts, retries with backoff and a circuit breaker on upstream calls (cockatiel)',
    requires: [],
    httpOnly: false,
    usesStore: false,
    options: [],
    dependencies: { cockatiel: '^4.0.0' },
    devDependencies: {},
  },
  {
    id: 'ratelimit',
    title: 'Rate limiting',
    description: 'Per-caller limits on tool calls, in memory or shared through Redis',
    requires: [],
    httpOnly: true,
    usesStore: true,
    options: ['--store'],
    dependencies: { 'rate-limiter-flexible': '^11.4.0' },
    devDependencies: {},
  },
  {
    id: 'logging',
    title: 'Structured logging',
    description: 'pino JSON logs on stderr with secrets redacted',
    requires: [],
    httpOnly: false,
    usesStore: false,
    options: [],
    dependencies: { pino: '^10.4.0' },
    devDependencies: { 'pino-pretty': '^13.2.0' },
  },
  {
    id: 'metrics',
    title: 'Prometheus metrics',
    description: 'prom-client metrics at GET /metrics',
    requires: [],
    httpOnly: true,
    usesStore: false,
    options: [],
    dependencies: { 'prom-client': '^15.1.3' },
    devDependencies: {},
  },
  {
    id: 'health',
    title: 'Health checks',
    description: 'GET /health (liveness) and GET /ready (readiness)',
    requires: [],
    httpOnly: true,
    usesStore: false,
    options: [],
    dependencies: {},
    devDependencies: {},
  },
  {
    id: 'docker',
    title: 'Docker',
    description: 'Multi-stage Dockerfile on node:24-slim, .dockerignore and compose.yaml',
    requires: [],
    httpOnly: false,
    usesStore: false,
    options: [],
    dependencies: {},
    devDependencies: {},
  },
  {
    id: 'tests',
    title: 'Test suite',
    description: 'vitest suite: tools in both protocol eras, HTTP wire, stdio, config, shutdown; CI workflow',
    requires: [],
    httpOnly: false,
    usesStore: false,
    options: [],
    dependencies: {},
    devDependencies: { vitest: '^5.1.1', '@modelcontextprotocol/client': '^2.4.0' },
  },
];

/** The features among `ids` that keep state in the store: --store matters only when there is one. */
export function storeUsers(ids: readonly FeatureId[]): FeatureId[] {
  return ids.filter((id) => feature(id).usesStore);
}

/** The features among `ids` that serve HTTP only. */
export function httpOnly(ids: readonly FeatureId[]): FeatureId[] {
  return ids.filter((id) => feature(id).httpOnly);
}

/** The store options' one-line explanation, for help texts and errors. */
export const STORE_USERS_TEXT = FEATURE_IDS.filter((id) => FEATURES.find((f) => f.id === id)?.usesStore).join(' and ');

export function feature(id: FeatureId): Feature {
  const found = FEATURES.find((f) => f.id === id);
  if (!found) throw new Error(`unknown feature ${id}`);
  return found;
}
