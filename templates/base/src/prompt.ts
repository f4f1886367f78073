import type { GetPromptResult, McpRequestContext, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import type { Services } from './services.js';
import {
  advertisedSchema,
  instrument,
  parseInput,
  protocolErrors,
  requestScope,
  type PipelineOptions,
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
 * Wraps every prompt once, at start-up, and returns the function that registers them on a server instance.
 * Invalid arguments answer JSON-RPC error -32602 (MCP spec, prompts: error handling); anything unexpected an
 * error id.
 */
export function promptRegistrar(
  prompts: readonly Prompt[],
  services: Services,
  { onCall }: PipelineOptions = {},
): (server: McpServer, request: McpRequestContext) => void {
  const registrations = prompts.map((prompt) => ({
    name: prompt.name,
    config: {
      title: prompt.title,
      description: prompt.description,
      argsSchema: advertisedSchema(prompt.args),
    },
    call: instrument<GetPromptResult>(
      'prompts/get',
      prompt.name,
      services,
      protocolErrors(`arguments for ${prompt.name}`, `getting ${prompt.name}`),
      onCall,
    ),
    prompt,
  }));

  return (server, request) => {
    const scope = requestScope(request);
    for (const { name, config, call, prompt } of registrations) {
      server.registerPrompt(name, config, (args, ctx) =>
        call(scope, ctx.mcpReq.signal, async (callCtx) =>
          prompt.get(parseInput(prompt.args, args), callCtx),
        ),
      );
    }
  };
}
