import * as z from 'zod';
import { defineTool, errorResult, textResult } from '../tool.js';

/** Longest body returned to the model; the rest is cut, with a note. */
const MAX_TEXT = 20_000;

export const upstreamGet = defineTool({
  name: 'upstream_get',
  title: 'Read from the upstream API',
  description:
    'GET a path of the upstream API configured by UPSTREAM_BASE_URL (by default the npm registry: try the path "zod/latest") and return the response body.',
  input: z.object({
    path: z
      .string()
      .min(1)
      .max(1_024)
      .describe('Path under the upstream base URL, e.g. "zod/latest". Not a full URL.'),
    query: z
      .record(z.string().min(1).max(128), z.string().max(1_024))
      .refine((query) => Object.keys(query).length <= 20, 'at most 20 query parameters')
      .optional()
      .describe('Query parameters'),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  async run({ path, query }, { services, signal }) {
    const response = await services.upstream.get({ path, query, signal });
    if (response.status >= 400) {
      return errorResult(`Upstream answered ${response.status} for ${path}`);
    }
    const text =
      response.body.length > MAX_TEXT
        ? `${response.body.slice(0, MAX_TEXT)}\n[truncated: ${response.body.length - MAX_TEXT} more characters]`
        : response.body;
    return textResult(text);
  },
});
