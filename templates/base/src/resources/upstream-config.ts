import { defineResource, textContents } from '../resource.js';

/**
 * What the upstream_get tool can reach, for a model to read before it calls the tool: the upstream's base URL,
 * its time limit and whether the server authenticates to it. Never a secret: not the token, nor credentials
 * that a URL may carry.
 */
export const upstreamConfig = defineResource({
  name: 'upstream_config',
  title: 'Upstream API settings',
  description:
    'The upstream API that the upstream_get tool reads: its base URL (every path is relative to it), the time limit of a request, and whether the server sends a token of its own.',
  uri: 'config://upstream',
  mimeType: 'application/json',
  // The settings change only when the server restarts with new ones.
  ttlMs: 5 * 60_000,
  scopes: ['upstream:read'],
  read({ uri }, { services }) {
    const { baseUrl, timeoutMs, token } = services.config.upstream;
    const settings = {
      baseUrl: `${baseUrl.origin}${baseUrl.pathname}`,
      timeoutMs,
      sendsToken: token !== undefined,
    };
    return textContents(uri, JSON.stringify(settings), 'application/json');
  },
});
