import { AUTH_KINDS, STORES, recommendedFeatures } from '../answers.js';
import { FEATURES } from '../features.js';
import { colors, type Output } from '../output.js';

/** `create-mcp-prod list [--json]`: every feature with its options and defaults. */
export function list(out: Output): Record<string, unknown> {
  const data = {
    features: FEATURES.map((f) => ({
      id: f.id,
      title: f.title,
      description: f.description,
      httpOnly: f.httpOnly,
      requires: f.requires,
      options: f.options,
      recommended: recommendedFeatures('stdio').includes(f.id) ? 'always' : 'with http or both',
    })),
    options: {
      transport: { values: ['stdio', 'http', 'both'], default: 'both' },
      auth: { values: AUTH_KINDS, default: 'apikey' },
      store: { values: STORES, default: 'memory' },
    },
  };
  const width = Math.max(...FEATURES.map((f) => f.id.length));
  out.line('Features (default: all that fit the transport; auth, ratelimit, metrics and health need HTTP):\n');
  for (const f of FEATURES) {
    const opts = f.options.length ? colors.dim(` [${f.options.join(', ')}]`) : '';
    const http = f.httpOnly ? colors.dim(' (HTTP)') : '';
    out.line(`  ${colors.bold(f.id.padEnd(width))}  ${f.description}${http}${opts}`);
  }
  out.line('\nOptions:');
  out.line(`  --transport  stdio | http | both     (default: both)`);
  out.line(`  --auth       ${AUTH_KINDS.join(' | ')}        (default: apikey; with the auth feature)`);
  out.line(`  --store      ${STORES.join(' | ')}        (default: memory; backs cache and ratelimit)`);
  return data;
}
