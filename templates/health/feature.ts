import { defineFeature } from '../../src/feature-api.js';

export default defineFeature({
  id: 'health',
  title: 'Health checks',
  description: 'GET /health (liveness) and GET /ready (readiness)',
  requires: [],
  httpOnly: true,
  options: [],
  dependencies: {},
  devDependencies: {},
  env: [],
});
