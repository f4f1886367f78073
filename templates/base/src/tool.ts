import { randomUUID } from 'node:crypto';
import type {
  CallToolResult,
  McpServer,
  ServerContext,
  StandardSchemaWithJSON,
  ToolAnnotations,
} from '@modelcontextprotocol/server';
import * as z from 'zod';
import type { Logger } from './logger.js';
import type { Services } from './services.js';

/** What a tool's `run` gets besides its arguments. */
export interface ToolContext {
  /** Unique per call; it is also the error id a client sees when the call fails. */
  requestId: string;
  /** A logger bound to this call's tool and request id. */
  logger: Logger;
  /** Aborted when the client cancels or disconnects. */
  signal: AbortSignal;
  services: Services;
}

/** A tool is data plus one function: the pipeline below adds validation, logging and error handling. */
export interface Tool<Input extends z.ZodObject = z.ZodObject> {
  /** 1-128 characters of `[A-Za-z0-9_.-]` (MCP spec, tools). */
  name: string;
  title: string;
  description: string;
  /** Validated before `run`; put limits on every string and array. */
  input: Input;
  annotations?: ToolAnnotations;
  run(args: z.output<Input>, ctx: ToolContext): Promise<CallToolResult> | CallToolResult;
}

export function defineTool<Input extends z.ZodObject>(tool: Tool<Input>): Tool<Input> {
  return tool;
}

/** An expected failure whose message is safe to show to the client (bad input, upstream said no...). */
export class ToolError extends Error {
  override name = 'ToolError';
}

export function textResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}

export function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

export type Outcome = 'ok' | 'invalid_input' | 'error' | 'failed';

export interface ToolCall {
  tool: Tool;
  args: Record<string, unknown>;
  ctx: ToolContext;
}

/**
 * One cross-cutting concern around every tool call (metrics, cache...). It calls `next` to go on, or returns a
 * result of its own. Thrown errors are turned into sanitized results by the pipeline.
 */
export type ToolMiddleware = (
  call: ToolCall,
  next: (call: ToolCall) => Promise<CallToolResult>,
) => Promise<CallToolResult>;

/** Counts tool calls in flight, so that shutdown can let them finish. */
export class ToolCalls {
  #active = 0;
  #waiters: Array<() => void> = [];

  get active(): number {
    return this.#active;
  }

  async track<T>(call: () => Promise<T>): Promise<T> {
    this.#active++;
    try {
      return await call();
    } finally {
      if (--this.#active === 0) for (const resolve of this.#waiters.splice(0)) resolve();
    }
  }

  /** Resolves when no call is in flight. */
  idle(): Promise<void> {
    return this.#active === 0
      ? Promise.resolve()
      : new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/**
 * The schema handed to the SDK. The SDK converts `inputSchema` to JSON Schema for `tools/list` and, on the
 * 2026-07-28 path, for every `tools/call`, on a fresh server instance per request: converting once here
 * takes that off the request path. Validation is done by the pipeline (below) instead of the SDK, so that
 * a call with invalid arguments is logged and counted like any other.
 */
function advertisedSchema(input: z.ZodObject): StandardSchemaWithJSON<Record<string, unknown>> {
  const json = Object.freeze(input['~standard'].jsonSchema.input({ target: 'draft-2020-12' }));
  return {
    '~standard': {
      version: 1,
      vendor: 'zod',
      validate: (value) => ({ value: value as Record<string, unknown> }),
      jsonSchema: { input: () => json, output: () => json },
    },
  };
}

/** Zod's issues as one line a model can act on, e.g. `text: Too big: expected string to have <=10000 characters`. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}

type Handler = (args: Record<string, unknown>, ctx: ServerContext) => Promise<CallToolResult>;

function pipeline(tool: Tool, services: Services, middleware: readonly ToolMiddleware[]): Handler {
  const run = middleware.reduceRight<(call: ToolCall) => Promise<CallToolResult>>(
    (next, layer) => (call) => layer(call, next),
    async (call) => call.tool.run(call.args, call.ctx),
  );
  const logger = services.logger.child({ tool: tool.name });

  return (rawArgs, sdkContext) =>
    services.toolCalls.track(async () => {
      const requestId = randomUUID();
      const started = performance.now();
      let outcome: Outcome = 'ok';
      let reason: string | undefined;
      let failure: unknown;
      try {
        const parsed = tool.input.safeParse(rawArgs ?? {});
        if (!parsed.success) {
          outcome = 'invalid_input';
          reason = describeIssues(parsed.error);
          return errorResult(`Invalid arguments for ${tool.name}: ${reason}`);
        }
        const ctx: ToolContext = {
          requestId,
          // Built on first use only: most calls never log anything of their own.
          get logger() {
            return logger.child({ requestId });
          },
          signal: sdkContext.mcpReq.signal,
          services,
        };
        const result = await run({ tool, args: parsed.data, ctx });
        if (result.isError) outcome = 'error';
        return result;
      } catch (error) {
        if (error instanceof ToolError) {
          outcome = 'error';
          reason = error.message;
          failure = error.cause;
          return errorResult(error.message);
        }
        // The client gets an id, never the raw message: it can hold internals (paths, hosts, SQL...).
        outcome = 'failed';
        failure = error;
        return errorResult(`Internal error while running ${tool.name}. Error id: ${requestId}`);
      } finally {
        // One line per call, whatever happened. Arguments are not logged: they may carry personal data.
        const line = {
          requestId,
          outcome,
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
          ...(reason !== undefined && { reason }),
        };
        if (failure === undefined) logger.info(line, 'tool call');
        else if (outcome === 'failed') logger.error({ ...line, err: failure }, 'tool call failed');
        else logger.warn({ ...line, err: failure }, 'tool call');
      }
    });
}

/**
 * Wraps every tool once, at start-up, and returns the function that registers them on a server instance.
 * The per-request server factory only calls that function: no schema is built or converted per request.
 */
export function toolRegistrar(
  tools: readonly Tool[],
  services: Services,
  middleware: readonly ToolMiddleware[] = [],
): (server: McpServer) => void {
  const registrations = tools.map((tool) => ({
    name: tool.name,
    config: {
      title: tool.title,
      description: tool.description,
      inputSchema: advertisedSchema(tool.input),
      ...(tool.annotations && { annotations: tool.annotations }),
    },
    handler: pipeline(tool, services, middleware),
  }));
  return (server) => {
    for (const { name, config, handler } of registrations)
      server.registerTool(name, config, handler);
  };
}
