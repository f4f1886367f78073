/**
 * The base of an upgrade (docs/ARCHITECTURE.md, "Upgrading"): what the version recorded in `.mcp-prod.json`
 * generated for the recorded answers. It is obtained by running that version itself, not by guessing at its
 * templates: from the package manager (`npm exec create-mcp-prod@<version>`), or offline from `--from`, a packed
 * tarball or a directory of that version. The project's manifest then proves it: every file the base holds must
 * have the hash the manifest recorded for it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Answers } from '../answers.js';
import { CliError, usageError } from '../errors.js';
import { optionApplies, OPTIONS, optionFlag } from '../features.js';
import { hash, MANIFEST, type Manifest } from './manifest.js';
import type { FileTree } from './render.js';

/** How to start the recorded version's CLI: a command and the arguments before its own. */
interface OldCli {
  command: string;
  args: string[];
  /** What to tell the user it was. */
  source: string;
}

/**
 * The flags that make a CLI of any version so far write exactly the recorded answers, without a question. An
 * option's flag goes only with a feature it answers for (its `options`): since 0.2.0 a CLI refuses it otherwise,
 * and without it records the default, which is what a project without those features has. An option the manifest
 * did not record (`unrecorded`: it came after that version, like `--runtime` after 0.2.0) is not passed: that CLI
 * does not know its flag.
 */
export function createArgs(dir: string, a: Answers, unrecorded: readonly string[] = []): string[] {
  return [
    dir,
    '--yes',
    '--no-install',
    '--no-git',
    '--name',
    a.name,
    '--description',
    a.description,
    '--transport',
    a.transport,
    '--features',
    a.features.join(','),
    ...OPTIONS.filter((o) => optionApplies(o, a.features) && !unrecorded.includes(o.id)).flatMap((o) => [
      optionFlag(o),
      a[o.id],
    ]),
    '--pm',
    a.pm,
  ];
}

/** `add <kind> <name> ...` for each recorded item, with the flags that make that version write it as recorded. */
export function itemArgs(dir: string, a: Answers): string[][] {
  return (a.items ?? []).map((i) => [
    'add',
    i.kind,
    i.name,
    '--cwd',
    dir,
    '--description',
    i.description,
    ...(i.uri !== undefined ? ['--uri', i.uri] : []),
    ...(i.scopes !== undefined ? ['--scopes', i.scopes.join(',')] : []),
    ...(i.upstream ? ['--upstream'] : []),
    ...(i.readOnly ? ['--read-only'] : []),
    ...(i.destructive ? ['--destructive'] : []),
    // Without the cache feature (removed since), the tool renders as without --cache, which is then refused.
    ...(i.cache && a.features.includes('cache') ? ['--cache'] : []),
  ]);
}

async function oldCli(from: string | undefined, version: string, cwd: string): Promise<OldCli> {
  if (from === undefined) {
    return {
      command: 'npm',
      args: ['exec', '--yes', `--package=create-mcp-prod@${version}`, '--', 'create-mcp-prod'],
      source: `create-mcp-prod@${version} from the registry`,
    };
  }
  const full = path.resolve(cwd, from);
  if (!existsSync(full))
    throw usageError(
      `--from ${from}: no such file or directory.`,
      'Pass a packed tarball (.tgz) or a directory of create-mcp-prod.',
    );
  if (full.endsWith('.tgz') || full.endsWith('.tar.gz')) {
    return {
      command: 'npm',
      args: ['exec', '--yes', '--offline', `--package=${full}`, '--', 'create-mcp-prod'],
      source: full,
    };
  }
  const bin = path.join(full, 'bin', 'create-mcp-prod.js');
  if (!existsSync(bin) || !existsSync(path.join(full, 'dist')))
    throw usageError(
      `--from ${from} is not a built create-mcp-prod: it has no bin/create-mcp-prod.js and dist/.`,
      'Pass the tarball npm pack makes, or build that directory first (npm ci && npm run build).',
    );
  return { command: process.execPath, args: [bin], source: full };
}

/** Seconds npm may take to fetch and start the recorded version: 120, or CREATE_MCP_PROD_FETCH_TIMEOUT. */
function fetchTimeout(env: NodeJS.ProcessEnv): number {
  const raw = env.CREATE_MCP_PROD_FETCH_TIMEOUT;
  if (raw === undefined || raw === '') return 120_000;
  const seconds = Number(raw);
  if (!(seconds > 0))
    throw usageError(
      `CREATE_MCP_PROD_FETCH_TIMEOUT=${raw} is not a number of seconds.`,
      'Set it to e.g. 300, or unset it.',
    );
  return seconds * 1000;
}

/** npm's error codes for a package or version the registry does not have, and for a registry it cannot reach. */
const NOT_PUBLISHED = /\b(E404|ETARGET)\b/;
const UNREACHABLE =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT)\b/;

/**
 * Why the recorded version could not be started, and what to do: without --from the way out is always --from, so
 * every failure of the package manager ends with that hint. npm's own lines that say why are kept in the message.
 */
function notRunnable(
  version: string,
  source: string,
  from: string | undefined,
  r: { exitCode?: number; timedOut?: boolean; all?: string; shortMessage?: string },
  said: string | undefined,
  timeout: number,
): CliError {
  const output = (r.all ?? r.shortMessage ?? '').trim();
  // npm's lines that say why: the missing package or version, or the request that failed.
  const npmSaid = output
    .split('\n')
    .filter((l) =>
      /^npm (error|ERR!) .*(Not Found|could not be found|No matching version|request to \S+ failed)/.test(l),
    )
    .slice(0, 2)
    .join('\n');
  const tail = npmSaid || output.split('\n').slice(-8).join('\n');
  const details = { source, exitCode: r.exitCode ?? null, timedOut: Boolean(r.timedOut), output };
  if (from !== undefined) {
    const why = r.exitCode === 0 && !r.timedOut ? `it is version ${said}` : tail;
    return new CliError(`Could not run create-mcp-prod ${version}, which made this project (${source}): ${why}`, {
      hint: `Pass --from a tarball or directory of create-mcp-prod ${version}.`,
      details,
    });
  }
  const fromHint =
    `Upgrade from a copy of that version instead: npx create-mcp-prod upgrade --from <tarball or directory of ` +
    `create-mcp-prod ${version}> (in a checkout of ${version}, npm pack makes the tarball; npm ci && npm run build ` +
    `makes the directory).`;
  let message: string;
  if (r.timedOut)
    message = `npm did not fetch and start create-mcp-prod ${version}, which made this project, within ${timeout / 1000} s (npm was still trying to reach the package registry).`;
  else if (r.exitCode === 0)
    message = `The registry's create-mcp-prod@${version} says it is version ${said}: it is not the one that made this project.`;
  else if (NOT_PUBLISHED.test(output))
    message = `create-mcp-prod ${version}, which made this project, is not on the package registry npm uses:\n${tail}`;
  else if (UNREACHABLE.test(output))
    message = `npm could not reach the package registry to fetch create-mcp-prod ${version}, which made this project:\n${tail}`;
  else message = `Could not run create-mcp-prod ${version}, which made this project (${source}):\n${tail}`;
  return new CliError(message, { hint: fromHint, details });
}

async function readTree(dir: string, prefix = ''): Promise<FileTree> {
  const tree: FileTree = {};
  for (const e of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(tree, await readTree(dir, rel));
    else if (e.isFile()) tree[rel] = await readFile(path.join(dir, rel), 'utf8');
  }
  return tree;
}

/**
 * Renders the base: runs the recorded version into `scratch` (an empty folder the caller owns and removes) and
 * reads what it wrote, without `.env` (the user's own; its base is `.env.example`) and the manifest.
 */
export async function renderBase(
  manifest: Manifest,
  options: { from?: string; cwd: string; scratch: string; env?: NodeJS.ProcessEnv },
): Promise<{ tree: FileTree; source: string }> {
  const version = manifest.generator.version;
  const cli = await oldCli(options.from, version, options.cwd);
  const timeout = fetchTimeout(options.env ?? {});
  const { execa } = await import('execa');
  const env = { CI: '1', NO_COLOR: '1', npm_config_yes: 'true', npm_config_update_notifier: 'false' };
  const run = (args: string[]) =>
    execa(cli.command, [...cli.args, ...args], {
      cwd: options.scratch,
      reject: false,
      all: true,
      stdin: 'ignore',
      env,
      // npm retries an unreachable registry for minutes (fetch-retries, fetch-timeout); the upgrade says so sooner.
      timeout,
    });

  const reported = await run(['--version']);
  const said = (reported.stdout ?? '').trim().split('\n').pop();
  if (reported.exitCode !== 0 || reported.timedOut || said !== version) {
    throw notRunnable(version, cli.source, options.from, reported, said, timeout);
  }
  const target = path.join(options.scratch, 'base');
  const made = await run(createArgs(target, manifest.answers, manifest.unrecorded));
  if (made.exitCode !== 0) {
    throw new CliError(
      `create-mcp-prod ${version} failed to render the base of the upgrade:\n${(made.all ?? '').trim().split('\n').slice(-10).join('\n')}`,
    );
  }
  // The items `add tool|resource|prompt` added (0.3.0 and later record them): added again by that version, in order.
  for (const args of itemArgs(target, manifest.answers)) {
    const added = await run(args);
    if (added.exitCode !== 0) {
      throw new CliError(
        `create-mcp-prod ${version} failed to add ${args[1]} ${args[2]} to the base of the upgrade:\n${(added.all ?? '').trim().split('\n').slice(-10).join('\n')}`,
      );
    }
  }
  const tree = await readTree(target);
  delete tree['.env'];
  delete tree[MANIFEST];
  const differs = Object.keys(tree).filter(
    (rel) => manifest.files[rel] !== undefined && hash(tree[rel]!) !== manifest.files[rel],
  );
  if (differs.length > 0) {
    throw new CliError(
      `create-mcp-prod ${version} (${cli.source}) does not render what ${MANIFEST} recorded: ${differs.slice(0, 5).join(', ')}${differs.length > 5 ? ', ...' : ''} differ.`,
      { hint: `Pass --from the exact create-mcp-prod ${version} that made this project.` },
    );
  }
  return { tree, source: cli.source };
}
