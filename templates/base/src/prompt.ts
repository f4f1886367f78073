import type { GetPromptResult, McpRequestContext, McpServer } from '@modelcontextprotocol/server';
import type * as z from 'zod';
import type { Services } from './services.js';
import {
  advertisedSchema,
  parseInput,
  runCall,
  type CallFailure,
  type ToolContext,
} from './tool.js';

/**
 * A prompt is data plus one function, like a tool: its arguments (strings, as the MCP spec has them) are
 * validated before `get`, and gets go through the same pipeline as tool calls (src/tool.ts).
 */
export interface Prompt<Args extends z.ZodObject = z.ZodObject> {
  /** Unique among the prompts; what clients ask for. */
  name: string;
  title: string;
  description: string;
  args: Args;
  /** The scopes a caller needs to see and get it (src/access.ts); undeclared: AUTHZ_DEFAULT decides. */
  scopes?: readonly string[];
  get(args: z.output<Args>, ctx: ToolContext): Promise<GetPromptResult> | GetPromptResult;
}

export function definePrompt<Args extends z.ZodObject>(prompt: Prompt<Args>): Prompt<Args> {
  return prompt;
}

/** A prompt of one user message. */
export function userMessage(text: string, description?: string): GetPromptResult {
  return {
    ...(description && { description }),
    messages: [{ role: 'user', content: { type: 'text', text } }],
  };
}

/**
 * Prepares every prompt once and returns what registers, on each request's server, the prompts its caller may
 * get (`visible`). Invalid arguments answer JSON-RPC error -32602 (MCP spec, prompts: error handling); anything
 * unexpected an error id.
 */
export function promptRegistrar(
  prompts: readonly Prompt[],
  services: Services,
): (server: McpServer, request: McpRequestContext, visible: (prompt: Prompt) => boolean) => void {
  const registrations = prompts.map((prompt) => ({
    prompt,
    config: {
      title: prompt.title,
      description: prompt.description,
      argsSchema: advertisedSchema(prompt.args),
    },
  }));
  return (server, request, visible) => {
    for (const { prompt, config } of registrations) {
      if (!visible(prompt)) continue;
      server.registerPrompt(prompt.name, config, (args, sdk) => {
        const signal = sdk.mcpReq.signal;
        const call = { method: 'prompts/get', name: prompt.name, args, request, signal } as const;
        const result = runCall(call, services, async (ctx) =>
          prompt.get(parseInput(prompt.args, args), ctx),
        );
        return result.catch((failure: CallFailure) => {
          throw failure.toProtocolError();
        });
      });
    }
  };
}
