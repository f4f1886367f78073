import {
  ResourceTemplate,
  type McpRequestContext,
  type McpServer,
  type ReadResourceResult,
} from '@modelcontextprotocol/server';
import * as z from 'zod';
import type { Services } from './services.js';
import { parseInput, runCall, type CallFailure, type ToolContext } from './tool.js';

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
  /** How long a client may reuse a read (the 2026-07-28 `ttlMs` hint); 0: ask again every time. */
  ttlMs: number;
  /** The scopes a caller needs to see and read it (src/access.ts); undeclared: AUTHZ_DEFAULT decides. */
  scopes?: readonly string[];
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

/**
 * Registers, on each request's server, the resources its caller may read (`visible`). A read that fails answers
 * a JSON-RPC error: invalid variables are -32602 (MCP spec, resources: error handling), anything unexpected an
 * error id.
 */
export function resourceRegistrar(
  resources: readonly Resource[],
  services: Services,
): (
  server: McpServer,
  request: McpRequestContext,
  visible: (resource: Resource) => boolean,
) => void {
  return (server, request, visible) => {
    // `private` when the request was authenticated, so that a shared cache never hands a read to another
    // caller; `public` otherwise, as it is then the same for everyone.
    const cacheScope = request.authInfo ? 'private' : 'public';
    for (const resource of resources) {
      if (!visible(resource)) continue;
      const config = {
        title: resource.title,
        description: resource.description,
        ...(resource.mimeType && { mimeType: resource.mimeType }),
        cacheHint: { ttlMs: resource.ttlMs, cacheScope },
      } as const;
      const read = (uri: URL, variables: Record<string, unknown>, signal: AbortSignal) => {
        const name = resource.name;
        const call = { method: 'resources/read', name, args: uri.href, request, signal } as const;
        const result = runCall(call, services, async (ctx) => {
          const params = parseInput(resource.params ?? z.object({}), variables);
          return resource.read({ uri, params }, ctx);
        });
        return result.catch((failure: CallFailure) => {
          throw failure.toProtocolError();
        });
      };
      if (resource.uri.includes('{')) {
        const template = new ResourceTemplate(resource.uri, { list: undefined });
        server.registerResource(resource.name, template, config, (uri, variables, ctx) =>
          read(uri, variables, ctx.mcpReq.signal),
        );
      } else {
        server.registerResource(resource.name, resource.uri, config, (uri, ctx) =>
          read(uri, {}, ctx.mcpReq.signal),
        );
      }
    }
  };
}
