import { CliError } from '../errors.js';
import type { RunContext } from './create.js';

export async function add(_features: string[], _flags: unknown, _ctx: RunContext): Promise<{ exitCode: number; json: Record<string, unknown> }> {
  throw new CliError('`add` is not available in this version yet.', { hint: 'Create a new project with the features you need.' });
}
