import { DEFAULTS, recommendedFeatures, TRANSPORTS, valuesOf } from '../answers.js';
import { FEATURE_IDS, FEATURES, httpOnly, OPTIONS, optionUsersText, optionFlag } from '../features.js';
import { colors, type Output } from '../output.js';

/** `create-mcp-prod list [--json]`: every feature with its options and defaults, from the registry. */
export function list(out: Output): Record<string, unknown> {
  const data = {
    features: FEATURES.map((f) => ({
      id: f.id,
      title: f.title,
      description: f.description,
      httpOnly: f.httpOnly,
      requires: f.requires,
      options: f.options.map((o) => optionFlag(o)),
      recommended: recommendedFeatures('stdio').includes(f.id) ? 'always' : 'with http or both',
    })),
    options: {
      transport: { values: TRANSPORTS, default: DEFAULTS.transport },
      ...Object.fromEntries(
        OPTIONS.map((o) => [
          o.id,
          {
            values: valuesOf(o),
            default: o.default,
            description: o.help,
            ...(o.scope === 'project' ? {} : { features: optionUsersText(o).split(' and ') }),
          },
        ]),
      ),
    },
  };
  const width = Math.max(...FEATURES.map((f) => f.id.length));
  const http = httpOnly(FEATURE_IDS);
  const needHttp = `${http.slice(0, -1).join(', ')}${http.length > 1 ? ' and ' : ''}${http.at(-1) ?? ''}`;
  out.line(`Features (default: all that fit the transport; ${needHttp} need HTTP):\n`);
  for (const f of FEATURES) {
    const opts = f.options.length ? colors.dim(` [${f.options.map((o) => optionFlag(o)).join(', ')}]`) : '';
    const onlyHttp = f.httpOnly ? colors.dim(' (HTTP)') : '';
    out.line(`  ${colors.bold(f.id.padEnd(width))}  ${f.description}${onlyHttp}${opts}`);
  }
  const flagWidth = Math.max('transport'.length, ...OPTIONS.map((o) => o.id.length)) + 2;
  const values = (v: readonly string[]) => v.join(' | ').padEnd(20);
  out.line('\nOptions:');
  out.line(`  ${'--transport'.padEnd(flagWidth + 2)} ${values(TRANSPORTS)} (default: ${DEFAULTS.transport})`);
  for (const o of OPTIONS) {
    const scope = o.scope === 'project' ? '' : `; with ${optionUsersText(o)}`;
    out.line(`  ${optionFlag(o).padEnd(flagWidth + 2)} ${values(valuesOf(o))} (default: ${o.default}${scope})`);
  }
  return data;
}
