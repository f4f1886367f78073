/**
 * What never reaches the logs: the value of a field whose name says it is a credential. Names are compared
 * lower-case and without `-` and `_`, and a name that ends with one of these counts too: `Authorization`,
 * `Proxy-Authorization`, `Set-Cookie`, `X-Api-Key`, `api_key`, `client_secret`, `refresh_token` and
 * `githubToken` are all caught.
 */
const SECRET_NAMES = [
  'authorization',
  'cookie',
  'cookies',
  'apikey',
  'apikeys',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'privatekey',
  'credentials',
];

export const REDACTED = '[redacted]';

function isSecret(name: string): boolean {
  const normalised = name.toLowerCase().replaceAll('-', '').replaceAll('_', '');
  return SECRET_NAMES.some((secret) => normalised.endsWith(secret));
}

/**
 * A copy of a log line's fields, with the value of every secret field replaced by `[redacted]`, at any depth:
 * in objects, arrays and errors. The caller's objects are left as they are. The copy holds what JSON would
 * write: an Error becomes `{ type, message, stack }` plus its own fields, its `cause` and an AggregateError's
 * `errors`; an object with `toJSON` (a Date, a URL) becomes what that returns; an object met again inside
 * itself becomes `[Circular]`.
 */
export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  return copy(fields, []) as Record<string, unknown>;
}

function copy(value: unknown, parents: object[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (parents.includes(value)) return '[Circular]';
  const inside = [...parents, value];
  if (Array.isArray(value)) return value.map((item) => copy(item, inside));
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return copy((value as { toJSON: () => unknown }).toJSON(), inside);
  }
  const result: Record<string, unknown> =
    value instanceof Error ? { type: value.name, message: value.message, stack: value.stack } : {};
  for (const [name, field] of Object.entries(value)) {
    result[name] = isSecret(name) ? REDACTED : copy(field, inside);
  }
  // Not enumerable when set by the constructor (`new Error(message, { cause })`): copied by name.
  if (value instanceof Error && value.cause !== undefined) result.cause = copy(value.cause, inside);
  if (value instanceof AggregateError) result.errors = copy(value.errors, inside);
  return result;
}
