import * as z from 'zod';
import { definePrompt, userMessage } from '../prompt.js';

/**
 * A prompt that puts a tool to work: it asks the model to call upstream_get on the default upstream, the US
 * National Weather Service API, and to summarize what it reads.
 */
export const weatherAlerts = definePrompt({
  name: 'weather_alerts',
  title: 'Weather alerts',
  description:
    'Asks for a summary of the active weather alerts of a US state, read from the National Weather Service API with the upstream_get tool.',
  // Prompt arguments are strings (MCP spec, prompts); put limits on every one.
  args: z.object({
    area: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'a two-letter code, e.g. CA')
      .describe('Two-letter code of a US state or territory, e.g. CA'),
  }),
  // It leads to upstream_get: offered to the callers who may use that tool.
  scopes: ['upstream:read'],
  get({ area }) {
    const code = area.toUpperCase();
    return userMessage(
      [
        `Use the upstream_get tool with the path "alerts/active" and the query {"area": "${code}"} to read the weather alerts in effect in ${code}.`,
        'Then summarize them: for each alert, the event, the areas it covers, when it ends and what people should do. If there is none, say so.',
      ].join('\n\n'),
    );
  },
});
