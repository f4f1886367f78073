import { defineFeature, defineOption } from '../../src/feature-api.js';

/** How clients prove who they are. */
const auth = defineOption({
  id: 'auth',
  what: 'auth kind',
  placeholder: 'kind',
  help: 'how clients authenticate',
  values: [
    { value: 'apikey', label: 'API keys', hint: 'Bearer keys from MCP_API_KEYS' },
    { value: 'oauth', label: 'OAuth 2.1', hint: 'JWTs from your authorization server' },
  ],
  default: 'apikey',
  question: () => 'How do clients authenticate?',
});

export default defineFeature({
  id: 'auth',
  title: 'Authentication',
  description: 'API keys (Bearer) or an OAuth 2.1 resource server (JWT, RFC 9728 metadata)',
  requires: [],
  httpOnly: true,
  options: [auth],
  dependencies: { jose: '^6.2.18' },
  devDependencies: {},
  env: [
    {
      title: 'Authentication: API keys (HTTP only; stdio takes no credentials)',
      when: (ctx) => ctx.apikey,
      vars: [
        {
          name: 'MCP_API_KEYS',
          note: 'Comma-separated, so that a key can be rotated: add the new key, move the clients, remove the old one.',
          schema: [
            'list.refine(',
            '    (keys) => keys === undefined || keys.every((key) => key.length >= 16),',
            "    'every key must be at least 16 characters long',",
            '  )',
          ].join('\n'),
          default: 'required',
          required: true,
          example: 'replace-with-a-long-random-key',
          description:
            "Keys clients send as `Authorization: Bearer <key>`, comma-separated so that a key can be rotated, 16 characters or more each. `create` wrote a fresh random key in .env, which git ignores.",
        },
      ],
    },
    {
      title: 'Authentication: OAuth 2.1 resource server (HTTP only; stdio takes no credentials)',
      when: (ctx) => ctx.oauth,
      vars: [
        {
          name: 'OAUTH_ISSUER',
          schema: 'z.url({ protocol: /^https?$/ }).optional()',
          default: 'required',
          example: 'https://auth.example.com',
          description: "Required. The authorization server that issues the access tokens, exactly as in their `iss` claim.",
        },
        {
          name: 'OAUTH_AUDIENCE',
          note: "This server's public /mcp URL: tokens must be issued for it (`aud`), not for another API.",
          schema: 'z.url({ protocol: /^https?$/ }).optional()',
          default: 'required',
          example: 'http://127.0.0.1:3000/mcp',
          description:
            "Required. This server's public /mcp URL: tokens must be issued for it (their `aud` claim, RFC 8707); a token meant for another API is refused.",
        },
        {
          name: 'OAUTH_JWKS_URL',
          schema: 'z.url({ protocol: /^https?$/ }).optional()',
          default: "the issuer's `jwks_uri`",
          example: '',
          description: "The issuer's key set (JWKS). Default: the `jwks_uri` of the issuer's metadata (RFC 8414 or OpenID discovery).",
        },
        {
          name: 'OAUTH_SCOPES',
          schema: 'list.default([])',
          default: 'none',
          example: '',
          description: 'Scopes every token must carry, comma-separated; a token without them gets 403 insufficient_scope.',
        },
      ],
    },
  ],
});
