import { defineFeature } from '../../src/feature-api.js';

export default defineFeature({
  id: 'tests',
  title: 'Test suite',
  description: 'vitest suite: tools in both protocol eras, HTTP wire, stdio, config, shutdown; CI workflow',
  requires: [],
  httpOnly: false,
  options: [],
  dependencies: {},
  devDependencies: { vitest: '^5.1.1', '@modelcontextprotocol/client': '^2.4.0' },
  env: [],
});
