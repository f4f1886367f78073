export const PMS = ['npm', 'pnpm', 'yarn', 'bun'] as const;
export type Pm = (typeof PMS)[number];

/** `--pm` > the package manager that started us (npm_config_user_agent, e.g. "pnpm/9.1.0 npm/? node/v22") > npm. */
export function detectPm(env: NodeJS.ProcessEnv): Pm {
  const agent = env.npm_config_user_agent ?? '';
  const name = agent.split(' ')[0]?.split('/')[0];
  return (PMS as readonly string[]).includes(name ?? '') ? (name as Pm) : 'npm';
}

/**
 * The version of `pm` when it is the package manager that started us (npm_config_user_agent "pnpm/9.1.0 npm/?
 * node/v22"), for `packageManager` in package.json; undefined when unknown (another one ran us, or none).
 */
export function pmVersion(pm: Pm, env: NodeJS.ProcessEnv): string | undefined {
  const [name, version] = (env.npm_config_user_agent ?? '').split(' ')[0]?.split('/') ?? [];
  return name === pm && version && /^\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(version) ? version : undefined;
}

/** How to run a package script with this package manager. */
export function runScript(pm: Pm): string {
  return pm === 'npm' ? 'npm run' : pm === 'bun' ? 'bun run' : pm;
}

export function installCommand(pm: Pm): string[] {
  return [pm, 'install'];
}

/** The lockfile the package manager writes: it is part of the project (and of its first commit). */
export function lockfile(pm: Pm): string {
  return { npm: 'package-lock.json', pnpm: 'pnpm-lock.yaml', yarn: 'yarn.lock', bun: 'bun.lock' }[pm];
}
