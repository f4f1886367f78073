import { registerHooks } from 'node:module';
import { tools as serverTools } from '../src/tools/index.js';
import { testTools } from './test-tools.js';

/*
 * Loaded with `node --import` into a server the tests start as a process (test/process.ts): the server gets the
 * tests' own tools next to its own, as `vi.mock` of src/tools/index.ts gives them to a server in the tests'
 * process. From here on, src/tools/index.ts, imported by any module but this one, resolves to this module.
 */
export const tools = [...serverTools, ...testTools];

const index = new URL('../src/tools/index.js', import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const { parentURL } = context;
    const toIndex = parentURL !== undefined && new URL(specifier, parentURL).href === index;
    if (toIndex && parentURL !== import.meta.url) {
      return { url: import.meta.url, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});
