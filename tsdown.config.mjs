import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node22',
  outDir: 'dist',
  clean: true,
  dts: false,
  // Everything is bundled: the published package has no runtime dependencies, so `npx` starts it without resolving any.
  deps: { alwaysBundle: [/.*/] },
  // Heavy libraries are imported dynamically where they are used, so `--help` loads none of them.
  outputOptions: { chunkFileNames: 'chunks/[name]-[hash].mjs' },
});
