/**
 * Flags, parsed once at the command boundary (docs/ARCHITECTURE.md, "Flow"): commander reads the command line, and
 * this schema decides which flags a command takes, checks their values and types them; the commands never see raw
 * flags. A flag the command does not take is a usage error (exit 2) that says what the flag is for, never ignored.
 * The options' flags (`--<option> <value>`) come from the registry (src/feature-api.ts `defineOption`).
 */
import { z } from 'zod';
import { TRANSPORTS, valuesOf } from './answers.js';
import { usageError } from './errors.js';
import { OPTIONS, optionUsersText, type OptionId, optionFlag } from './features.js';
import { PMS } from './pm.js';

/** The commands, as a user names them: `add tool` takes other flags than `add <feature>`. */
export const COMMANDS = ['create', 'add', 'add tool', 'add resource', 'add prompt', 'remove', 'upgrade'] as const;
export type CommandName = (typeof COMMANDS)[number];

const GENERATORS = ['add tool', 'add resource', 'add prompt'] as const;
const PLANNED = ['create', 'add', 'remove', 'upgrade'] as const;

/** A value from a fixed list, case-insensitive; anything else lists the valid ones. */
const choice = (what: string, flag: string, valid: readonly string[]) =>
  z.string().transform((raw, ctx) => {
    const value = raw.trim().toLowerCase();
    if (valid.includes(value)) return value;
    ctx.addIssue({ code: 'custom', message: `Invalid ${what} "${raw}" for ${flag}.`, params: { hint: valid } });
    return z.NEVER;
  });

interface FlagSpec {
  /** As the user writes it. */
  flag: string;
  schema: z.ZodType;
  /** The commands that take it. */
  commands: readonly CommandName[];
  /** What it is for, said when a command that does not take it is given it. */
  for?: string;
}

const text = z.string();
const on = z.boolean();

/** Every flag, by commander's key: the one table the commands' flags derive from. */
function flagTable(): Record<string, FlagSpec> {
  return {
    name: { flag: '--name', schema: text, commands: ['create'] },
    description: { flag: '--description', schema: text, commands: ['create', ...GENERATORS] },
    transport: { flag: '--transport', schema: choice('transport', '--transport', TRANSPORTS), commands: ['create'] },
    features: { flag: '--features', schema: text, commands: ['create'] },
    ...Object.fromEntries(
      OPTIONS.map((o): [string, FlagSpec] => [
        o.id,
        {
          flag: optionFlag(o),
          schema: choice(o.what, optionFlag(o), valuesOf(o)),
          commands: ['create', 'add'],
          for:
            o.scope === 'project'
              ? undefined
              : `it answers for the ${optionUsersText(o)} feature${optionUsersText(o).includes(' and ') ? 's' : ''}`,
        },
      ]),
    ),
    pm: { flag: '--pm', schema: choice('package manager', '--pm', PMS), commands: ['create', 'add', 'remove'] },
    install: { flag: '--no-install', schema: on, commands: PLANNED, for: 'nothing is installed' },
    git: { flag: '--no-git', schema: on, commands: ['create'] },
    yes: { flag: '--yes', schema: on, commands: ['create', 'add', 'remove', ...GENERATORS] },
    force: { flag: '--force', schema: on, commands: [...PLANNED, ...GENERATORS] },
    dryRun: { flag: '--dry-run', schema: on, commands: [...PLANNED, ...GENERATORS] },
    json: { flag: '--json', schema: on, commands: [...PLANNED, ...GENERATORS] },
    interactive: { flag: '--interactive', schema: on, commands: ['create'] },
    cwd: { flag: '--cwd', schema: text, commands: ['add', 'remove', 'upgrade', ...GENERATORS] },
    from: { flag: '--from', schema: text, commands: ['upgrade'] },
    upstream: { flag: '--upstream', schema: on, commands: ['add tool'] },
    readOnly: { flag: '--read-only', schema: on, commands: ['add tool'] },
    destructive: { flag: '--destructive', schema: on, commands: ['add tool'] },
    cache: { flag: '--cache', schema: on, commands: ['add tool'] },
    uri: { flag: '--uri', schema: text, commands: ['add resource'] },
    scopes: { flag: '--scopes', schema: text, commands: [...GENERATORS] },
  };
}

/** Every flag a command may be given, typed. */
export type Flags = {
  name?: string;
  description?: string;
  transport?: string;
  features?: string;
  pm?: string;
  install?: boolean;
  git?: boolean;
  yes?: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  interactive?: boolean;
  cwd?: string;
  from?: string;
  upstream?: boolean;
  readOnly?: boolean;
  destructive?: boolean;
  cache?: boolean;
  uri?: string;
  scopes?: string;
} & Partial<Record<OptionId, string>>;

/** The flags a command takes, as written: for help texts and tests. */
export function flagsOf(command: CommandName): string[] {
  return Object.values(flagTable())
    .filter((f) => f.commands.includes(command))
    .map((f) => f.flag);
}

/**
 * The flags the user gave (commander's keys; flags left at their default are not given), checked for `command`:
 * each must be one the command takes, with a valid value. Returns them typed.
 */
export function parseFlags(command: CommandName, given: Record<string, unknown>): Flags {
  const table = flagTable();
  for (const key of Object.keys(given)) {
    const spec = table[key];
    if (!spec) throw new Error(`flag ${key} is not in the flag table (src/flags.ts)`);
    if (!spec.commands.includes(command)) {
      const where = spec.commands.map((c) => `\`${c}\``).join(', ');
      throw usageError(
        `${spec.flag} does not apply to \`${command}\`${spec.for ? `: ${spec.for}` : ''}.`,
        `${spec.flag} is a flag of ${where}. Drop it.`,
      );
    }
  }
  const schema = z.object(Object.fromEntries(Object.keys(given).map((key) => [key, table[key]!.schema.optional()])));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const valid = (issue as { params?: { hint?: readonly string[] } }).params?.hint;
    throw usageError(
      issue.message,
      valid ? `Valid values: ${valid.join(', ')}.` : `Check ${table[String(issue.path[0])]?.flag ?? 'the flags'}.`,
    );
  }
  return parsed.data as Flags;
}
