import { AUTH_KINDS, DEFAULTS, recommendedFeatures, STORES, TRANSPORTS } from '../answers.js';
import { FEATURE_IDS, FEATURES, httpOnly, STORE_USERS_TEXT } from '../features.js';
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
      transport: { values: TRANSPORTS, default: DEFAULTS.transport },
      auth: { values: AUTH_KINDS, default: DEFAULTS.auth },
      store: { values: STORES, default: DEFAULTS.store },
    },
  };
  const width = Math.max(...FEATURES.map((f) => f.id.length));
  const http = httpOnly(FEATURE_IDS);
  const needHttp = `${http.slice(0, -1).join(', ')}${http.length > 1 ? ' and ' : ''}${http.at(-1) ?? ''}`;
  out.line(`Features (default: all that fit the transport; ${needHttp} need HTTP):\n`);
  for (const f of FEATURES) {
    const opts = f.options.length ? colors.dim(` [${f.options.join(', ')}]`) : '';
    const onlyHttp = f.httpOnly ? colors.dim(' (HTTP)') : '';
    out.line(`  ${colors.bold(f.id.padEnd(width))}  ${f.description}${onlyHttp}${opts}`);
  }
  const values = (v: readonly string[]) => v.join(' | ').padEnd(20);
  out.line('\nOptions:');
  out.line(`  --transport  ${values(TRANSPORTS)} (default: ${DEFAULTS.transport})`);
  out.line(`  --auth       ${values(AUTH_KINDS)} (default: ${DEFAULTS.auth}; with the auth feature)`);
  out.line(`  --store      ${values(STORES)} (default: ${DEFAULTS.store}; backs ${STORE_USERS_TEXT})`);
  return data;
}
