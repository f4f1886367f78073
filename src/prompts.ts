/**
 * The only module that talks to a person (docs/ARCHITECTURE.md, "Flow"): the questions of src/answers.ts, asked with
 * clack. Loaded on demand, so --help and runs without a terminal never import clack.
 */
import * as p from '@clack/prompts';
import type { Prompter, Transport } from './answers.js';
import { CANCELLED, cancelled } from './errors.js';
import { FEATURES, type FeatureId } from './features.js';
import { FORCE_PROMISE } from './force.js';
import { checkName } from './name.js';

/** The answer, or exit 130 when the person pressed Ctrl-C or Escape. */
function unwrapOr<T>(value: T, output?: NodeJS.WritableStream): Exclude<T, symbol> {
  if (typeof value === 'symbol' || p.isCancel(value)) {
    p.cancel(CANCELLED, output ? { output: output as NodeJS.WriteStream } : undefined);
    throw cancelled(true);
  }
  return value as Exclude<T, symbol>;
}

export function intro(title: string): void {
  p.intro(title);
}

export function step(text: string): void {
  p.log.step(text);
}

/** A boxed note; long lines (a command to copy) are not wrapped, so they stay copyable. */
export function note(text: string, title: string): void {
  p.note(text, title, { format: (line) => line });
}

export function outro(text: string): void {
  p.outro(text);
}

export function createPrompter(
  streams: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream } = {},
): Prompter {
  const io = streams as { input?: NodeJS.ReadStream; output?: NodeJS.WriteStream };
  const unwrap = <T>(value: T) => unwrapOr(value, io.output);
  return {
    async directory(initial) {
      return unwrap(
        await p.text({
          ...io,
          message: 'Where should the project go?',
          placeholder: initial,
          defaultValue: initial,
          validate: (v) => (v !== undefined && v.trim() === '' && initial === '' ? 'Enter a directory' : undefined),
        }),
      ).trim();
    },
    async name(initial, problem) {
      return unwrap(
        await p.text({
          ...io,
          message: `Package name (the directory name is not valid: ${problem})`,
          initialValue: initial,
          validate: (v) => (v ? checkName(v) : 'Enter a package name'),
        }),
      );
    },
    async transport(initial) {
      return unwrap(
        await p.select<Transport>({
          ...io,
          message: 'Which transport?',
          initialValue: initial,
          options: [
            { value: 'both', label: 'Both', hint: 'HTTP for remote clients, stdio for local ones' },
            { value: 'http', label: 'Streamable HTTP', hint: 'a remote server behind a URL' },
            { value: 'stdio', label: 'stdio', hint: 'a local process started by the client' },
          ],
        }),
      );
    },
    async features(choices, initial) {
      return unwrap(
        await p.multiselect<FeatureId>({
          ...io,
          message: 'Which production features? (space to toggle, enter to accept)',
          initialValues: [...initial],
          required: false,
          options: FEATURES.filter((f) => choices.includes(f.id)).map((f) => ({
            value: f.id,
            label: f.title,
            hint: f.description,
          })),
        }),
      );
    },
    async option(option, initial, users) {
      return unwrap(
        await p.select<string>({
          ...io,
          message: option.question(users),
          initialValue: initial,
          options: option.values.map((v) => ({ value: v.value, label: v.label, hint: v.hint })),
        }),
      );
    },
  };
}

/** Asks before writing into a non-empty directory, which is what --force allows; the default answer is Cancel. */
export async function confirmNonEmpty(
  dir: string,
  streams: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream } = {},
): Promise<boolean> {
  const answer = await p.select<'cancel' | 'continue'>({
    ...(streams as object),
    message: `${dir} is not empty. Write the project into it? (${FORCE_PROMISE})`,
    initialValue: 'cancel',
    options: [
      { value: 'cancel', label: 'Cancel' },
      { value: 'continue', label: 'Continue' },
    ],
  });
  return unwrapOr(answer, streams.output) === 'continue';
}

/** `cancelMessage`: what the spinner says when Ctrl-C stops the work it stands for. */
export async function spinner(
  text: string,
  cancelMessage?: string,
): Promise<{ stop(text: string, code?: number): void }> {
  const s = p.spinner({ cancelMessage });
  s.start(text);
  // clack's spinner reads the terminal in raw mode and answers Ctrl-C with process.exit(0). Back in cooked mode,
  // Ctrl-C is a SIGINT again, which the work behind the spinner handles (src/install.ts stops the package manager
  // and the run exits 130).
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  return { stop: (msg, code) => (code ? s.error(msg) : s.stop(msg)) };
}

/** A line of text for `add tool|resource|prompt` (src/commands/generate.ts); exit 130 on Ctrl-C. */
export async function askText(
  message: string,
  initial: string,
  validate?: (value: string) => string | undefined,
): Promise<string> {
  const value = await p.text({
    message,
    placeholder: initial,
    defaultValue: initial,
    validate: (v) => validate?.(v === undefined || v === '' ? initial : v),
  });
  return unwrapOr(value).trim() || initial;
}

/** A yes/no question for `add tool` (src/commands/generate.ts); exit 130 on Ctrl-C. */
export async function askYesNo(message: string, initial: boolean): Promise<boolean> {
  return unwrapOr(await p.confirm({ message, initialValue: initial }));
}
