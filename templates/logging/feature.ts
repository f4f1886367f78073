import { defineFeature } from '../../src/feature-api.js';

export default defineFeature({
  id: 'logging',
  title: 'Structured logging',
  description: 'pino JSON logs on stderr with secrets redacted',
  requires: [],
  httpOnly: false,
  options: [],
  dependencies: { pino: '^10.4.0' },
  devDependencies: { 'pino-pretty': '^13.2.0' },
  env: [
    {
      title: 'Log format',
      vars: [
        {
          name: 'LOG_FORMAT',
          note: 'pretty needs pino-pretty, a dev dependency: production installs (and the Docker image) leave it out.',
          schema: [
            'z',
            "    .enum(['json', 'pretty'])",
            '    .optional()',
            '    .refine(',
            "      (format) => format !== 'pretty' || installed('pino-pretty'),",
            "      'pretty needs pino-pretty, a dev dependency this install does not have (production installs leave it out): unset LOG_FORMAT or set it to json',",
            '    )',
          ].join('\n'),
          default: (ctx) => `\`pretty\` under \`${ctx.run} dev\`, else \`json\``,
          example: '',
          description: (ctx) =>
            `json or pretty. Default: pretty under \`${ctx.run} dev\`, json otherwise. pretty needs the dev dependencies: not in production.`,
        },
      ],
    },
  ],
});
