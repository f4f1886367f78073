import {
  ResourceTemplate,
  type McpRequestContext,
  type McpServer,
  type ReadResourceResult,
} from '@modelcontextprotocol/server';
import * as z from 'zod';
import type { Services } from './services.js';
import {
  instrument,
  parseInput,
  protocolErrors,
  requestScope,
  type PipelineOptions,
  type ToolContext,
} from './tool.js';

/**
 * A resource is data plus one function, like a tool: a fixed URI (`config://app`), or a URI template
 * (`weather://city/{city}`, RFC 6570) whose variables `params` validates. Reads go through the same
 * pipeline as tool calls (src/tool.ts): logs, metrics, error ids.
 */
export interface Resource<Params extends z.ZodObject = z.ZodObject> {
  /** Unique among the resources; it names the resource in logs and metrics. */
  name: string;
  title: string;
  description: string;
  uri: string;
  mimeType?: string;
  /** The template's variables, validated before `read`; put limits on every one. */
  params?: Params;
  /**
   * How long a client may reuse a read (the 2026-07-28 `ttlMs` hint): as long as the content may be stale.
   * 0 means "ask again every time".
   */
  ttlMs: number;
  read(
    request: { uri: URL; params: z.output<Params> },
    ctx: ToolContext,
  ): Promise<ReadResourceResult> | ReadResourceResult;
}

export function defineResource<Params extends z.ZodObject>(
  resource: Resource<Params>,
): Resource<Params> {
  return resource;
}

/** The text contents of a read, for the URI that was asked for. */
export function textContents(uri: URL, text: string, mimeType = 'text/plain'): ReadResourceResult {
  return { contents: [{ uri: uri.href, mimeType, text }] };
}

const noParams = z.object({});

/**
 * Wraps every resource once, at start-up, and returns the function that registers them on a server
 * instance (as `toolRegistrar` does for tools). A read that fails answers a JSON-RPC error: invalid
 * variables are -32602 (MCP spec, resources: error handling), anything unexpected an error id.
 */
export function resourceRegistrar(
  resources: readonly Resource[],
  services: Services,
  { onCall }: PipelineOptions = {},
): (server: McpServer, request: McpRequestContext) => void {
  const registrations = resources.map((resource) => {
    const call = instrument<ReadResourceResult>(
      'resources/read',
      resource.name,
      services,
      protocolErrors(`URI for ${resource.name}`, `reading ${resource.name}`),
      onCall,
    );
    const schema = resource.params ?? noParams;
    const template = resource.uri.includes('{')
      ? new ResourceTemplate(resource.uri, { list: undefined })
      : undefined;
    const config = {
      title: resource.title,
      description: resource.description,
      ...(resource.mimeType && { mimeType: resource.mimeType }),
    };
    return { resource, call, schema, template, config };
  });

  return (server, request) => {
    const scope = requestScope(request);
    // Who may share a read: `private` when the request was authenticated, so that a shared cache never
    // hands it to another caller; `public` otherwise, as it is then the same for everyone.
    const cacheScope = request.authInfo ? 'private' : 'public';
    for (const { resource, call, schema, template, config } of registrations) {
      const cacheHint = { ttlMs: resource.ttlMs, cacheScope } as const;
      const read = (uri: URL, variables: Record<string, unknown>, signal: AbortSignal) =>
        call(scope, signal, async (ctx) =>
          resource.read({ uri, params: parseInput(schema, variables) }, ctx),
        );
      if (template) {
        server.registerResource(
          resource.name,
          template,
          { ...config, cacheHint },
          (uri, variables, ctx) => read(uri, variables, ctx.mcpReq.signal),
        );
      } else {
        server.registerResource(resource.name, resource.uri, { ...config, cacheHint }, (uri, ctx) =>
          read(uri, {}, ctx.mcpReq.signal),
        );
      }
    }
  };
}
