import * as z from 'zod';
import { defineTool, textResult } from '../tool.js';

export const echo = defineTool({
  name: 'echo',
  title: 'Echo',
  description: 'Returns the text it is given. Useful to check that the server answers.',
  input: z.object({
    text: z.string().min(1).max(10_000).describe('The text to send back'),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  // Any caller may use it (src/access.ts).
  scopes: [],
  run: ({ text }) => textResult(text),
});
