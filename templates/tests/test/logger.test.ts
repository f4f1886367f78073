import { afterEach, describe, expect, it } from 'vitest';
import { testEnv } from './helpers.js';
import { collect, exited, startNode, stopAll } from './process.js';

afterEach(stopAll);

/** Logs a few lines with the server's own logger, in a process of its own (the logger writes to fd 2). */
const script = `
const { loadConfig } = await import('./src/config.ts');
const { createLogger } = await import('./src/logger.ts');
const logger = createLogger(loadConfig(JSON.parse(process.env.TEST_ENV)).log).child({ requestId: 'r-1' });
logger.info(
  {
    tool: 'echo',
    authorization: 'Bearer s3cret-1',
    token: 's3cret-2',
    headers: { cookie: 's3cret-3' },
    req: { headers: { authorization: 'Bearer s3cret-4' } },
    user: { name: 'ada', password: 's3cret-5' },
  },
  'hello',
);
logger.error({ err: Object.assign(new Error('boom'), { token: 's3cret-6' }) }, 'failed');
logger.debug({}, 'not shown at info');
logger.flush();
`;

describe('logs', () => {
  it('are pino JSON lines on stderr, with credentials redacted', async () => {
    const child = startNode(['--import', 'tsx', '--input-type=module', '--eval', script], {
      TEST_ENV: JSON.stringify({ ...testEnv, LOG_LEVEL: 'info' }),
    });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    expect(await exited(child)).toBe(0);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).not.toMatch(/s3cret/);
    const [hello, failed, ...rest] = stderr
      .text()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rest).toEqual([]);
    expect(hello).toEqual({
      level: 30,
      time: expect.any(Number),
      requestId: 'r-1',
      tool: 'echo',
      authorization: '[redacted]',
      token: '[redacted]',
      headers: { cookie: '[redacted]' },
      req: { headers: { authorization: '[redacted]' } },
      user: { name: 'ada', password: '[redacted]' },
      msg: 'hello',
    });
    expect(failed).toMatchObject({
      level: 50,
      requestId: 'r-1',
      err: { type: 'Error', message: 'boom', stack: expect.stringMatching(/^Error: boom\n/) },
      msg: 'failed',
    });
  });
});
