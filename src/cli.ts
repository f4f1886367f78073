/**
 * The entry: parses flags, runs one command, and is the only place that turns errors into output and exit codes.
 * Commands return their JSON result; `--json` prints exactly one object on stdout. Only commander, kleur and small
 * modules load here, so --help is fast; each command is imported when it runs.
 */
import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT } from './errors.js';
import { OPTIONS, optionUsersText, optionFlag } from './features.js';
import { FORCE_HELP } from './force.js';
import { GENERATOR } from './meta.js';
import { createOutput, type Output } from './output.js';

// `create-mcp-prod list | head` closes the pipe early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const argv = process.argv.slice(2);
const wantsJson = argv.includes('--json');
const out = createOutput({
  json: wantsJson,
  env: process.env,
  stdoutTty: Boolean(process.stdout.isTTY),
  stderrTty: Boolean(process.stderr.isTTY),
});

function isInteractive(flag: boolean | undefined, json: boolean): boolean {
  if (json) return false;
  if (flag !== undefined) return flag;
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI;
}

function emit(json: Record<string, unknown>): void {
  if (out.json) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}

/** The flags the user gave (left at their default, a flag is not given), for src/flags.ts to check and type. */
function given(cmd: Command): Record<string, unknown> {
  const opts = cmd.opts();
  return Object.fromEntries(
    Object.keys(opts)
      .filter((k) => cmd.getOptionValueSource(k) === 'cli')
      .map((k) => [k, opts[k]]),
  );
}

/** The flags of the options features declare (src/feature-api.ts `defineOption`), from the registry. */
function optionFlags(cmd: Command, recorded: boolean): Command {
  for (const o of OPTIONS) {
    const values = o.values.map((v) => v.value).join(' | ');
    const scope = o.scope === 'project' ? '' : `; with ${optionUsersText(o)}`;
    const def = recorded ? 'the answer recorded in .mcp-prod.json' : o.default;
    cmd.addOption(new Option(`${optionFlag(o)} <${o.placeholder}>`, `${o.help}: ${values} (default: ${def}${scope})`));
  }
  return cmd;
}

/** The options `create` and `add` share; their defaults differ (add keeps what .mcp-prod.json recorded). */
const sharedAnswerOptions = (cmd: Command, command: 'create' | 'add') => {
  const recorded = command === 'add' ? 'the answer recorded in .mcp-prod.json' : undefined;
  return optionFlags(cmd, command === 'add')
    .addOption(
      new Option(
        '--pm <pm>',
        `package manager: npm | pnpm | yarn | bun (default: ${recorded ?? 'detected, else npm'})`,
      ),
    )
    .option('--no-install', 'do not install dependencies')
    .option('-y, --yes', 'accept the default of every answer not given')
    .option('--force', FORCE_HELP)
    .option(
      '--dry-run',
      command === 'add' ? 'print the plan and a diff; write nothing' : 'print the plan and write nothing',
    )
    .option('--json', 'print one JSON object describing the result; implies no prompts');
};

const program = new Command('create-mcp-prod')
  .usage(
    '[directory] [options]\n       create-mcp-prod add <feature...> [options]\n       create-mcp-prod add tool|resource|prompt <name> [options]\n       create-mcp-prod remove <feature...> [options]\n       create-mcp-prod upgrade [options]\n       create-mcp-prod list [--json]',
  )
  .description('Scaffold a production-ready MCP server in TypeScript (MCP 2026-07-28, SDK v2).')
  .version(GENERATOR.version, '-v, --version', 'print the version')
  .helpOption('-h, --help', 'show help')
  .showHelpAfterError('(run create-mcp-prod --help for usage)')
  .addHelpCommand(false)
  // `add` repeats the program's option names (--yes, --no-install, ...): without this, commander gives them to the
  // program wherever they appear, and `add` never sees them.
  .enablePositionalOptions()
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

// `create` is the program itself, so `create-mcp-prod --help` shows its options next to the other commands.
sharedAnswerOptions(
  program
    .argument('[directory]', 'where to create the project (default with --yes: mcp-server)')
    .option('-n, --name <name>', 'npm package name (default: the directory name)')
    .option('--description <text>', 'one-sentence description')
    .option('-t, --transport <t>', 'stdio | http | both (default: both)')
    // Repeated, the lists add up (`-f cache -f tests`): a later -f never silently drops an earlier one.
    .option(
      '-f, --features <list>',
      'comma-separated features, "all", or "" for none (see `list`); may be repeated',
      (value: string, previous: string | undefined) => (previous === undefined ? value : `${previous},${value}`),
    )
    .option('--no-git', 'do not initialise a git repository')
    .option('--interactive', 'ask questions even when not on a TTY')
    .option('--no-interactive', 'never ask; a missing answer exits 2 naming its flag'),
  'create',
).action(async (directory: string | undefined, _opts: unknown, cmd: Command) => {
  const { parseFlags } = await import('./flags.js');
  const flags = parseFlags('create', given(cmd));
  const { create } = await import('./commands/create.js');
  const interactive = isInteractive(flags.interactive, Boolean(flags.json));
  const result = await create(
    { ...flags, directory, install: flags.install !== false, git: flags.git !== false },
    { cwd: process.cwd(), env: process.env, out, interactive },
  );
  emit(result.json);
  process.exitCode = result.exitCode;
});

sharedAnswerOptions(
  program
    .command('add')
    .usage('<feature...> [options]\n       create-mcp-prod add tool|resource|prompt <name> [options]')
    .description('add features to the project in --cwd, keeping your edits; or a tool, resource or prompt')
    .argument('<feature...>', 'features to add (see `list`), or tool|resource|prompt <name>')
    .option('--cwd <dir>', 'the project directory', '.')
    .option('--description <text>', 'tool|resource|prompt: what it does, for the model')
    .option('--upstream', 'tool: it calls the upstream API (UPSTREAM_BASE_URL)')
    .option('--read-only', 'tool: it changes nothing (readOnlyHint)')
    .option('--destructive', 'tool: it may destroy or overwrite data (destructiveHint)')
    .option('--cache', 'tool: serve its results from the cache feature (needs --read-only)')
    .option('--uri <uri>', 'resource: a fixed URI, or a URI template such as weather://city/{city}')
    .option('--scopes <list>', 'tool|resource|prompt: the scopes a caller needs, comma-separated'),
  'add',
).action(async (words: string[], _opts: unknown, cmd: Command) => {
  const { parseFlags } = await import('./flags.js');
  const kind = words[0];
  const generator = kind === 'tool' || kind === 'resource' || kind === 'prompt';
  const flags = parseFlags(generator ? `add ${kind}` : 'add', given(cmd));
  const { add } = await import('./commands/add.js');
  const interactive = isInteractive(undefined, Boolean(flags.json));
  const result = await add(words, flags, { cwd: process.cwd(), env: process.env, out, interactive });
  emit(result.json);
  process.exitCode = result.exitCode;
});

program
  .command('remove')
  .usage('<feature...> [options]')
  .description('take features out of the project in --cwd, keeping your edits (the way back from add)')
  .argument('<feature...>', 'features to remove (see `list`)')
  .option('--cwd <dir>', 'the project directory', '.')
  .addOption(new Option('--pm <pm>', 'package manager for the install (default: the one recorded in .mcp-prod.json)'))
  .option('--no-install', 'do not install dependencies')
  .option('-y, --yes', 'accept the default of every answer not given')
  .option('--force', FORCE_HELP)
  .option('--dry-run', 'print the plan and a diff; write nothing')
  .option('--json', 'print one JSON object describing the result')
  .action(async (features: string[], _opts: unknown, cmd: Command) => {
    const { parseFlags } = await import('./flags.js');
    const flags = parseFlags('remove', given(cmd));
    const { remove } = await import('./commands/remove.js');
    const result = await remove(features, flags, { cwd: process.cwd(), env: process.env, out, interactive: false });
    emit(result.json);
    process.exitCode = result.exitCode;
  });

program
  .command('upgrade')
  .description('bring the project in --cwd to the current templates, keeping your edits')
  .option('--cwd <dir>', 'the project directory', '.')
  .option(
    '--from <path>',
    'the version that made the project, as a packed tarball or a directory (default: from the package manager)',
  )
  .option('--no-install', 'do not install dependencies')
  .option('--force', FORCE_HELP)
  .option('--dry-run', 'print the plan and a diff; write nothing')
  .option('--json', 'print one JSON object describing the result')
  .action(async (_opts: unknown, cmd: Command) => {
    const { parseFlags } = await import('./flags.js');
    const flags = parseFlags('upgrade', given(cmd));
    const { upgrade } = await import('./commands/upgrade.js');
    const result = await upgrade(flags, { cwd: process.cwd(), env: process.env, out, interactive: false });
    emit(result.json);
    process.exitCode = result.exitCode;
  });

program
  .command('list')
  .description('list features, their options and defaults')
  .option('--json', 'print JSON')
  .action(async () => {
    const { list } = await import('./commands/list.js');
    emit(list(out));
  });

function fail(err: unknown): void {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
      process.exitCode = EXIT.ok;
      return;
    }
    // commander has printed the message; a bad flag is a usage error.
    if (out.json) emit({ ok: false, error: { message: err.message, exitCode: EXIT.usage } });
    process.exitCode = EXIT.usage;
    return;
  }
  const e =
    err instanceof CliError
      ? err
      : new CliError(`Unexpected error: ${(err as Error)?.stack ?? String(err)}`, {
          hint: 'This is a bug in create-mcp-prod; please report it with the command you ran.',
        });
  report(out, e);
  process.exitCode = e.exitCode;
}

function report(o: Output, e: CliError): void {
  if (o.json)
    emit({ ok: false, error: { message: e.message, hint: e.hint, exitCode: e.exitCode, details: e.details } });
  if (e.exitCode === EXIT.cancelled) {
    if (!o.json && !e.shown) process.stderr.write(`${e.message}\n`);
    if (!o.json && e.hint) process.stderr.write(`${e.hint}\n`);
    return;
  }
  o.error(e.message);
  if (e.hint) process.stderr.write(`${e.hint}\n`);
}

program.parseAsync(process.argv).catch(fail);
