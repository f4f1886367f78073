import { defineFeature } from '../../src/feature-api.js';

/**
 * One release line of OpenTelemetry JS, pinned on purpose: the trace SDK 2.12 with the OTLP/HTTP exporter of
 * the same generation (0.219). Newer exporters need the 3.x trace SDK, so `latest` tags do not install together.
 */
export default defineFeature({
  id: 'tracing',
  title: 'OpenTelemetry traces',
  description: 'OpenTelemetry spans per MCP request (OTLP/HTTP), trace context from params._meta',
  requires: [],
  httpOnly: false,
  options: [],
  dependencies: {
    '@opentelemetry/api': '~1.9.0',
    '@opentelemetry/exporter-trace-otlp-http': '~0.219.0',
    '@opentelemetry/resources': '~2.12.1',
    '@opentelemetry/sdk-trace-node': '~2.12.1',
  },
  devDependencies: {},
  env: [
    {
      title: 'Traces (OpenTelemetry, OTLP/HTTP; off until an endpoint is set)',
      vars: [
        {
          name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
          schema: 'z.url({ protocol: /^https?$/ }).optional()',
          default: 'none',
          example: 'http://127.0.0.1:4318',
          description:
            'Base URL of an OTLP/HTTP receiver (an OpenTelemetry Collector, Jaeger, Tempo...); spans go to `<url>/v1/traces`. Unset: no spans are recorded.',
        },
        {
          name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
          note: 'The exporter is the OTLP/HTTP JSON one: any other protocol would silently send nothing.',
          schema: [
            'z',
            "    .literal('http/json', { error: 'only http/json is supported' })",
            "    .default('http/json')",
          ].join('\n'),
          default: 'http/json',
          description: 'Encoding of the export requests: http/json, the only one this server sends.',
        },
        {
          name: 'OTEL_EXPORTER_OTLP_HEADERS',
          schema: [
            'z',
            '    .string()',
            "    .regex(/^[^=,]+=[^,]*(,[^=,]+=[^,]*)*$/, 'must be key=value pairs separated by commas')",
            '    .optional()',
          ].join('\n'),
          default: 'none',
          example: '',
          description:
            'Headers of every export request, `key=value` pairs separated by commas (values URL-encoded), e.g. `x-honeycomb-team=<key>`. Never logged.',
        },
        {
          name: 'OTEL_SERVICE_NAME',
          schema: (ctx) => `z.string().min(1).default('${ctx.name}')`,
          default: (ctx) => ctx.name,
          description: 'The `service.name` of every span.',
        },
        {
          name: 'OTEL_TRACES_SAMPLER',
          schema: [
            'z',
            '    .enum([',
            "      'always_on',",
            "      'always_off',",
            "      'traceidratio',",
            "      'parentbased_always_on',",
            "      'parentbased_always_off',",
            "      'parentbased_traceidratio',",
            '    ])',
            "    .default('parentbased_always_on')",
          ].join('\n'),
          default: 'parentbased_always_on',
          description:
            'Which requests are traced: always_on, always_off, traceidratio, or parentbased_* (follow the caller\'s decision, else the given rule).',
        },
        {
          name: 'OTEL_TRACES_SAMPLER_ARG',
          schema: 'z.coerce.number().min(0).max(1).default(1)',
          default: '1',
          description: 'The ratio of the *traceidratio samplers, from 0 to 1.',
        },
        {
          name: 'OTEL_SDK_DISABLED',
          schema: 'z.stringbool().default(false)',
          default: 'false',
          description: 'true turns tracing off whatever the other settings.',
        },
      ],
    },
  ],
});
