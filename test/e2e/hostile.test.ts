import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, removeDir, tempDir } from '../helpers.js';
import { inspector, readEnv, rpc, runIn, startHttp, type Running } from './harness.js';

/**
 * The generated project's hostile-input corpus (its test/hostile.ts), thrown at the built server running as a
 * user runs it (`node dist/http.js`, its own .env), for both auth kinds: every answer has the expected status,
 * is JSON (JSON-RPC shaped on /mcp), shows no stack or path, and the server still answers real clients after.
 */
interface HostileCase {
  name: string;
  status: number | '4xx';
  jsonRpc?: boolean;
  /** Bytes written as they are: not an HTTP request a client library would send. */
  raw?: string;
}
interface Corpus {
  hostileCorpus(maxBodyBytes: number): HostileCase[];
  send(
    url: string,
    hostile: HostileCase,
    credentials: Record<string, string>,
  ): Promise<{ status: number; headers: Record<string, unknown>; body: string }>;
  leaks(body: string): string | undefined;
}

let work: string;

beforeAll(async () => {
  work = await tempDir('cmp-hostile-');
});
afterAll(async () => {
  await removeDir(work);
});

describe.each([
  ['apikey', 'memory'],
  ['oauth', 'memory'],
] as const)('hostile input against a running server (%s)', (auth, store) => {
  const dir = () => path.join(work, auth);
  let server: Running;
  let corpus: Corpus;
  let credentials: Record<string, string> = {};
  const MAX_BODY_BYTES = 300_000;

  beforeAll(async () => {
    const r = await cli([auth, '--yes', '--no-git', '-t', 'http', '-f', 'all', '--auth', auth, '--store', store], {
      cwd: work,
      timeout: 600_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const build = await runIn(dir(), 'npm', ['run', 'build']);
    expect(build.exitCode, build.all).toBe(0);
    const env = await readEnv(path.join(dir(), '.env'));
    if (auth === 'apikey') {
      credentials = { authorization: `Bearer ${env.MCP_API_KEYS!.split(',')[0]}` };
      server = await startHttp(dir(), { ...env, MAX_BODY_BYTES: String(MAX_BODY_BYTES), LOG_LEVEL: 'info' });
    } else {
      // The project's own test issuer: a real JWKS over HTTP, tokens signed with its key.
      const { startIssuer } = (await import(pathToFileURL(path.join(dir(), 'test', 'issuer.ts')).href)) as {
        startIssuer(): Promise<{ env: Record<string, string>; token(): Promise<string>; close(): Promise<void> }>;
      };
      const issuer = await startIssuer();
      afterAll(() => issuer.close());
      credentials = { authorization: `Bearer ${await issuer.token()}` };
      server = await startHttp(dir(), {
        ...env,
        ...issuer.env,
        MAX_BODY_BYTES: String(MAX_BODY_BYTES),
        LOG_LEVEL: 'info',
      });
    }
    corpus = (await import(pathToFileURL(path.join(dir(), 'test', 'hostile.ts')).href)) as Corpus;
  }, 900_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('answers every case of the corpus as it must, with JSON that leaks nothing', async () => {
    const failures: string[] = [];
    const cases = corpus.hostileCorpus(MAX_BODY_BYTES);
    expect(cases.length).toBeGreaterThan(40);
    for (const hostile of cases) {
      const answer = await corpus.send(server.url, hostile, credentials);
      const problems: string[] = [];
      if (hostile.status === '4xx' ? answer.status < 400 || answer.status > 499 : answer.status !== hostile.status) {
        problems.push(`status ${answer.status}, expected ${hostile.status}`);
      }
      const leak = corpus.leaks(answer.body);
      if (leak) problems.push(`leaks ${leak}`);
      if (answer.body !== '') {
        if (!String(answer.headers['content-type']).startsWith('application/json')) {
          problems.push(`content-type ${answer.headers['content-type']}`);
        }
        try {
          const body = JSON.parse(answer.body) as { jsonrpc?: string; error?: { code?: unknown } };
          if (hostile.jsonRpc && (body.jsonrpc !== '2.0' || typeof body.error?.code !== 'number')) {
            problems.push('not a JSON-RPC error');
          }
        } catch {
          problems.push('not JSON');
        }
      } else if (answer.status !== 405 && hostile.raw === undefined) {
        // Bytes that are not an HTTP request are answered by Node's own parser (400, 431, no body) before the
        // app sees anything; every request the app sees gets a JSON body.
        problems.push('empty body');
      }
      if (problems.length > 0) failures.push(`${hostile.name}: ${problems.join(', ')} (${answer.body.slice(0, 200)})`);
    }
    expect(failures).toEqual([]);
    // Nothing the corpus sent was worth an error line: refusals are logged at info, with their reason.
    const errors = (await server.settledLogs())
      .split('\n')
      .filter((line) => /"level":(50|60|"error"|"fatal")/.test(line));
    expect(errors).toEqual([]);
  });

  it('still serves real clients afterwards (raw HTTP and the MCP Inspector)', async () => {
    const response = await rpc(server.url, 'tools/call', { name: 'echo', arguments: { text: 'alive' } }, credentials);
    expect(response.status).toBe(200);
    const r = await inspector(
      [`${server.url}/mcp`, '--transport', 'http'],
      [
        '--method',
        'tools/call',
        '--tool-name',
        'echo',
        '--tool-arg',
        'text=alive',
        '--header',
        `Authorization: ${credentials.authorization}`,
      ],
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('alive');
  });
});
