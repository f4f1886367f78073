/**
 * Human output. Colour only on a TTY without NO_COLOR or CI, so logs hold no escape codes; with --json nothing human
 * is printed on stdout, so the one JSON object stays parseable.
 */
import kleur from 'kleur';

export interface Output {
  readonly json: boolean;
  readonly tty: boolean;
  line(text?: string): void;
  warn(text: string): void;
  error(text: string): void;
}

export function createOutput(opts: {
  json: boolean;
  env: NodeJS.ProcessEnv;
  stdoutTty: boolean;
  stderrTty: boolean;
}): Output {
  const colour = opts.stdoutTty && !opts.env.NO_COLOR && !opts.env.CI && opts.env.TERM !== 'dumb';
  kleur.enabled = colour;
  return {
    json: opts.json,
    tty: opts.stdoutTty && !opts.env.CI,
    line(text = '') {
      if (!opts.json) process.stdout.write(`${text}\n`);
    },
    warn(text) {
      process.stderr.write(`${kleur.yellow('warning')} ${text}\n`);
    },
    error(text) {
      process.stderr.write(`${kleur.red('error')} ${text}\n`);
    },
  };
}

export { kleur as colors };
