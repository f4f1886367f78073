import { defineFeature } from '../../src/feature-api.js';

export default defineFeature({
  id: 'kubernetes',
  title: 'Kubernetes',
  description: 'Helm chart in deploy/helm/: rolling updates with draining, autoscaling, network policy, non-root',
  // The chart runs the image the docker feature's Dockerfile builds (user node, uid 1000, dist/http.js); a project
  // without it brings its own image with the same user.
  requires: [],
  httpOnly: true,
  options: [],
  dependencies: {},
  devDependencies: {},
  env: [],
});
