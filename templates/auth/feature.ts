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

/** What a tool, resource or prompt that declares no scopes needs (AUTHZ_DEFAULT, src/access.ts). */
const authz = defineOption({
  id: 'authz',
  what: 'default access',
  placeholder: 'policy',
  help: 'what a tool, resource or prompt without declared scopes needs',
  values: [
    { value: 'deny', label: 'Deny', hint: 'offered to nobody until it declares its scopes' },
    { value: 'allow', label: 'Allow', hint: 'any authenticated caller may use it' },
  ],
  default: 'deny',
  // Projects made before scopes existed let every caller use every tool: they keep doing so.
  legacy: 'allow',
  // Deny is the safe default; the question would only slow newcomers down (--authz allow changes it).
  asked: false,
  question: () => 'May callers use a tool, resource or prompt that declares no scopes?',
});

export default defineFeature({
  id: 'auth',
  title: 'Authentication',
  description: 'API keys (Bearer) or an OAuth 2.1 resource server (JWT, RFC 9728 metadata)',
  requires: [],
  httpOnly: true,
  options: [auth, authz],
  dependencies: { jose: '^6.2.18' },
  devDependencies: {},
  env: [
    {
      title: 'Authentication: API keys (HTTP only; stdio takes no credentials)',
      when: (ctx) => ctx.apikey,
      vars: [
        {
          name: 'MCP_API_KEYS',
          note: 'Comma-separated, so that a key can be rotated: add the new key, move the clients, remove the old one. An entry is `key`, or `key;scopes=a b;tenant=t` (src/auth.ts).',
          schema: [
            'list.refine(',
            '    (keys) =>',
            '      keys === undefined ||',
            '      keys.every((entry) => /^[^;\\s]{16,}(;(scopes|tenant)=[^;]*[^;\\s])*$/.test(entry)),',
            "    'every entry is a key of 16 characters or more, optionally followed by ;scopes=<scopes separated by spaces> and ;tenant=<tenant>',",
            '  )',
          ].join('\n'),
          default: 'required',
          required: true,
          example: 'replace-with-a-long-random-key',
          description:
            "Keys clients send as `Authorization: Bearer <key>`, comma-separated so that a key can be rotated, 16 characters or more each. A plain key holds every scope; an entry such as `key;scopes=notes:read;tenant=acme` holds its scopes (several are separated by spaces) and belongs to that tenant. `create` wrote a fresh random key in .env, which git ignores.",
        },
      ],
    },
    {
      title: 'Authorization: what a caller may use (src/access.ts)',
      vars: [
        {
          name: 'AUTHZ_DEFAULT',
          note: 'What a definition without `scopes` needs: nothing (allow), or it is offered to nobody (deny).',
          schema: (ctx) => `z.enum(['allow', 'deny']).default('${ctx.authz === 'allow' ? 'allow' : 'deny'}')`,
          default: (ctx) => (ctx.authz === 'allow' ? 'allow' : 'deny'),
          description:
            'What a tool, resource or prompt that declares no `scopes` needs: `allow` (any authenticated caller may use it) or `deny` (no caller sees it until it declares its scopes).',
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
          name: 'OAUTH_TENANT_CLAIM',
          schema: "z.string().min(1).default('tid')",
          default: '`tid`',
          example: '',
          description:
            'The token claim that names the caller\'s tenant: the cache, the rate limits and the audit trail keep tenants apart by it.',
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
