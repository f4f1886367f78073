import { describe, expect, it } from 'vitest';
import { refusals } from '../../src/answers.js';
import { CliError } from '../../src/errors.js';
import { defineOption } from '../../src/feature-api.js';
import { FEATURES, optionFlag, OPTIONS, type Option } from '../../src/features.js';
import { COMMANDS, flagsOf, parseFlags } from '../../src/flags.js';

function usage(run: () => unknown): CliError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    return err as CliError;
  }
  throw new Error('expected a usage error');
}

describe('flags, parsed once at the boundary (src/flags.ts)', () => {
  it('types and checks the values of the flags a command takes', () => {
    expect(parseFlags('create', { transport: 'HTTP', store: 'Redis', yes: true })).toEqual({
      transport: 'http',
      store: 'redis',
      yes: true,
    });
    const e = usage(() => parseFlags('create', { transport: 'carrier-pigeon' }));
    expect(e.message).toBe('Invalid transport "carrier-pigeon" for --transport.');
    expect(e.hint).toBe('Valid values: stdio, http, both.');
  });

  it('refuses a flag the command does not take, saying what it is for', () => {
    const e = usage(() => parseFlags('add tool', { auth: 'oauth' }));
    expect(e.message).toBe('--auth does not apply to `add tool`: it answers for the auth feature.');
    expect(e.hint).toBe('--auth is a flag of `create`, `add`. Drop it.');
    expect(usage(() => parseFlags('add', { readOnly: true })).message).toMatch(/--read-only does not apply to `add`/);
    expect(usage(() => parseFlags('upgrade', { yes: true })).message).toMatch(/--yes does not apply to `upgrade`/);
  });

  it('every option a feature declares is a flag of create and add, and of no generator', () => {
    for (const o of OPTIONS) {
      expect(flagsOf('create')).toContain(optionFlag(o));
      expect(flagsOf('add')).toContain(optionFlag(o));
      for (const c of COMMANDS.filter((x) => x.startsWith('add ') || x === 'upgrade' || x === 'remove'))
        expect(flagsOf(c), c).not.toContain(optionFlag(o));
    }
    // The registry's options are each declared once, even when several features name one.
    const named = FEATURES.flatMap((f) => f.options);
    expect(new Set(named.map((o) => o.id)).size).toBe(new Set(named).size);
  });
});

describe('a project-level option is one declaration (as a future runtime option would be)', () => {
  // Declared as base.ts would declare it: every project has it, and a value may refuse features or a transport.
  const runtime = defineOption({
    id: 'runtime',
    what: 'runtime',
    placeholder: 'runtime',
    help: 'where the server runs',
    values: [
      { value: 'node', label: 'Node.js', hint: 'a process' },
      { value: 'workers', label: 'Workers', hint: 'an edge runtime' },
    ],
    default: 'node',
    scope: 'project',
    question: () => 'Where will the server run?',
    refuses: (value, a) =>
      value === 'workers'
        ? [
            ...(a.transport !== 'http' ? [`--transport ${a.transport}: a worker has no stdin`] : []),
            ...a.features.filter((id) => id === 'docker').map((id) => `${id}: a worker is not a container`),
          ]
        : [],
  }) as unknown as Option;

  it('refuses, with exit 2, each feature and transport a value cannot go with, saying why', () => {
    const e = usage(() => refusals('both', ['cache', 'docker'], { runtime: 'workers' }, [runtime]));
    expect(e.message).toBe(
      '--runtime workers cannot go with:\n  --transport both: a worker has no stdin\n  docker: a worker is not a container',
    );
    expect(e.hint).toBe('Leave these out, or choose another --runtime (node, workers).');
    expect(() => refusals('http', ['cache'], { runtime: 'workers' }, [runtime])).not.toThrow();
    expect(() => refusals('both', ['docker'], { runtime: 'node' }, [runtime])).not.toThrow();
  });
});
