import { describe, expect, it } from 'vitest';
import { render } from '../../src/engine/render.js';
import { FEATURE_IDS } from '../../src/features.js';
import { allFeatures, answers, AUTH_KINDS, STORES } from '../space.js';

/**
 * What the generated README and .gitignore promise matches what the project has: no `/ready` without the health
 * feature, the OAuth walkthrough's token file ignored by git, and stdio clients given their settings (a server a
 * client launches does not read `.env`).
 */
describe('generated README and .gitignore', () => {
  it('describe /ready only in projects that serve it', async () => {
    // Every other feature the transport accepts, so that none of them may mention the route.
    const all = allFeatures('http');
    const others = all.filter((id) => id !== 'health');
    expect(others.length).toBe(FEATURE_IDS.length - 1);
    for (const store of STORES) {
      const without = await render(answers('http', others, { store }));
      expect(without['README.md'], store).not.toContain('/ready');
      const withHealth = await render(answers('http', all, { store }));
      expect(withHealth['README.md'], store).toContain('`GET /ready`');
    }
  });

  it('ignore the token file the OAuth walkthrough writes', async () => {
    const oauth = await render(answers('http', ['auth'], { auth: 'oauth' }));
    expect(oauth['README.md']).toContain('> token.txt');
    expect(oauth['.gitignore']?.split('\n')).toContain('token.txt');
  });

  it('define the curl functions, and AUTH, before any snippet uses them', async () => {
    const projects = [answers('http', []), ...AUTH_KINDS.map((auth) => answers('both', allFeatures('both'), { auth }))];
    for (const project of projects) {
      const readme = (await render(project))['README.md']!;
      const label = `${project.features.join(',')} ${project.auth}`;
      for (const [, name] of readme.matchAll(/^(mcp_\w+)\(\) \{/gm)) {
        const defined = readme.indexOf(`${name}() {`);
        const firstUse = readme.search(new RegExp(`(^|[ ;(])${name} (?!\\(\\))`, 'm'));
        expect(firstUse, `${label}: ${name}`).toBeGreaterThan(defined);
      }
      for (const used of ['mcp_call', 'mcp_read', 'mcp_prompt', 'mcp_list'])
        expect(readme, `${label}: ${used}`).toContain(`${used}() {`);
      const auth = readme.indexOf('AUTH=');
      expect(auth, label).toBeGreaterThan(-1);
      expect(auth, label).toBeLessThan(readme.indexOf('"${AUTH[@]}"'));
    }
    // With API keys, the examples work as printed: AUTH carries the key from the start.
    const apikey = (await render(answers('http', ['auth'], { auth: 'apikey' })))['README.md']!;
    expect(apikey.indexOf('AUTH=(-H "authorization: Bearer $KEY")')).toBe(apikey.indexOf('AUTH='));
  });

  it('give every stdio client snippet the environment, since .env is not read then', async () => {
    const readme = (await render(answers('stdio', [])))['README.md']!;
    const snippets = readme.split('\n### ').filter((section) => section.includes('dist/stdio.js"'));
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    for (const snippet of snippets) expect(snippet, snippet.split('\n')[0]).toMatch(/"env(File)?": /);
    expect(readme).toMatch(/claude mcp add combo-server --env UPSTREAM_BASE_URL=/);
    const both = (await render(answers('both', [])))['README.md']!;
    expect(both).toMatch(/"args": \["\/absolute\/path\/to\/combo-server\/dist\/stdio\.js"\],\n\s+"env": /);
  });
});
