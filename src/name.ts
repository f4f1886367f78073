import validate from 'validate-npm-package-name';

/** Returns why `name` is not a valid name for a new npm package, or undefined when it is. */
export function checkName(name: string): string | undefined {
  const result = validate(name);
  if (result.validForNewPackages) return undefined;
  const problems = [...(result.errors ?? []), ...(result.warnings ?? [])];
  return problems[0] ?? 'not a valid npm package name';
}

/** A valid name close to `name`, as create-vite suggests one. */
export function suggestName(name: string): string {
  const scope = /^(@[^/]+)\/(.+)$/.exec(name.trim());
  const clean = (s: string) =>
    s
      .trim()
      .toLowerCase()
      .replace(/\s+/g, '-')
      .replace(/^[._]+/, '')
      .replace(/[^a-z0-9-~._]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '');
  const suggestion = scope ? `@${clean(scope[1]!.slice(1))}/${clean(scope[2]!)}` : clean(name);
  return checkName(suggestion) === undefined && suggestion !== '' ? suggestion : 'mcp-server';
}
