import { defineFeature } from '../../src/feature-api.js';

export default defineFeature({
  id: 'docker',
  title: 'Docker',
  description: 'Multi-stage Dockerfile on node:24-slim, .dockerignore and compose.yaml',
  requires: [],
  httpOnly: false,
  options: [],
  dependencies: {},
  devDependencies: {},
  env: [],
});
