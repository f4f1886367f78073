import { describe, expect, it } from 'vitest';
import { checkName, suggestName } from '../../src/name.js';
import { detectPm, pmVersion, runScript } from '../../src/pm.js';

describe('project names follow npm rules', () => {
  it.each(['my-server', '@acme/mcp', 'a.b_c', 'x1'])('accepts %s', (n) => expect(checkName(n)).toBeUndefined());
  it.each(['My Server', 'UPPER', '.hidden', '_x', 'a/b', '', 'node_modules', 'x'.repeat(215)])('rejects %j', (n) =>
    expect(checkName(n)).toBeTypeOf('string'),
  );
  it.each([
    ['My Server', 'my-server'],
    ['  Cool_App!! ', 'cool_app'],
    ['@Acme/My Tool', '@acme/my-tool'],
    ['.hidden', 'hidden'],
    ['!!!', 'mcp-server'],
  ])('suggests a valid name for %j', (bad, good) => {
    expect(suggestName(bad)).toBe(good);
    expect(checkName(suggestName(bad))).toBeUndefined();
  });
});

describe('package manager detection', () => {
  it.each([
    ['pnpm/9.12.0 npm/? node/v22.11.0 linux x64', 'pnpm'],
    ['yarn/4.5.0 npm/? node/v22.11.0 linux x64', 'yarn'],
    ['bun/1.1.30 npm/? node/v22.11.0 linux x64', 'bun'],
    ['npm/11.0.0 node/v24.0.0 linux x64 workspaces/false', 'npm'],
    ['deno/2.0', 'npm'],
    [undefined, 'npm'],
  ])('%s -> %s', (agent, pm) => {
    expect(detectPm(agent === undefined ? {} : { npm_config_user_agent: agent })).toBe(pm);
  });
  it('knows how each runs a script', () => {
    expect([runScript('npm'), runScript('pnpm'), runScript('yarn'), runScript('bun')]).toEqual([
      'npm run',
      'pnpm',
      'yarn',
      'bun run',
    ]);
  });
});

describe('pmVersion', () => {
  it('is the version of the package manager that ran us, only when it is the chosen one', () => {
    const env = (agent: string) => ({ npm_config_user_agent: agent });
    expect(pmVersion('pnpm', env('pnpm/9.1.0 npm/? node/v22.15.0 linux x64'))).toBe('9.1.0');
    expect(pmVersion('npm', env('npm/11.6.2 node/v24.0.0 linux x64 workspaces/false'))).toBe('11.6.2');
    expect(pmVersion('pnpm', env('npm/11.6.2 node/v24.0.0'))).toBeUndefined();
    expect(pmVersion('yarn', env('yarn/? npm/? node/v22'))).toBeUndefined();
    expect(pmVersion('pnpm', {})).toBeUndefined();
  });
});
