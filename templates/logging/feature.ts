import { defineFeature } from '../../src/feature-api.js';

export default defineFeature({
  id: 'logging',
  title: 'Structured logging',
  description: 'pino JSON logs on stderr with secrets redacted',
  requires: [],
  httpOnly: false,
  usesStore: false,
  options: [],
  dependencies: { pino: '^10.4.0' },
  devDependencies: { 'pino-pretty': '^13.2.0' },
  env: [
    {
      title: 'Log format',
      vars: [
        {
          name: 'LOG_FORMAT',
          schema: "z.enum(['json', 'pretty']).optional()",
          default: (ctx) => `\`pretty\` under \`${ctx.run} dev\`, else \`json\``,
          example: '',
          description: (ctx) => `json or pretty. Default: pretty under \`${ctx.run} dev\`, json otherwise.`,
        },
      ],
    },
  ],
});
