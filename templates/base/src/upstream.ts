import type { Config } from './config.js';
import { ToolError } from './tool.js';

/** Largest upstream response body read into memory. */
const MAX_RESPONSE_BYTES = 1_048_576;

export interface UpstreamRequest {
  /** A path under the base URL, e.g. `zod/latest`. Never a full URL. */
  path: string;
  query?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  /** Headers of this request only, such as the trace context; `accept` and `authorization` stay ours. */
  headers?: Record<string, string> | undefined;
}

export interface UpstreamResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * The upstream did not answer (time-out, refused connection, DNS...). The message is safe to show; with a
 * circuit breaker, it also counts as a failure of the upstream and may be retried.
 */
export class UpstreamUnavailable extends ToolError {
  override name = 'UpstreamUnavailable';
}

/** The one way out to the upstream API: every request stays under the configured base URL. */
export interface Upstream {
  readonly baseUrl: URL;
  get(request: UpstreamRequest): Promise<UpstreamResponse>;
}

/**
 * Builds a URL under `baseUrl` from a caller-chosen path and query, so that the caller can never reach another
 * host, port, scheme or a path outside the base (SSRF). Each segment is percent-encoded, so `?`, `#`, `%`, `\`
 * and `:` stay literal characters of the segment; `.` and `..` segments are refused.
 */
export function upstreamUrl(baseUrl: URL, path: string, query: Record<string, string> = {}): URL {
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new ToolError('path must not contain "." or ".." segments');
  }
  const url = new URL(segments.map(encodeURIComponent).join('/'), baseUrl);
  // Belt and braces: whatever the encoding above missed, the result must still be under the base.
  if (url.origin !== baseUrl.origin || !url.pathname.startsWith(baseUrl.pathname)) {
    throw new ToolError('path must stay under the upstream base URL');
  }
  for (const [name, value] of Object.entries(query)) url.searchParams.append(name, value);
  return url;
}

export function createUpstream(config: Config['upstream']): Upstream {
  const headers: Record<string, string> = {
    accept: 'application/json, text/plain;q=0.9, */*;q=0.1',
  };
  // The server's own credential for the upstream API; a client's token is never forwarded (MCP spec, authorization).
  if (config.token) headers.authorization = `Bearer ${config.token}`;

  return {
    baseUrl: config.baseUrl,
    async get({ path, query, signal, headers: extra }) {
      const url = upstreamUrl(config.baseUrl, path, query);
      const timeout = AbortSignal.timeout(config.timeoutMs);
      const response = await fetch(url, {
        headers: extra ? { ...extra, ...headers } : headers,
        // A redirect could lead to another host: it is reported, never followed.
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      }).catch((error: unknown) => {
        if (timeout.aborted) {
          throw new UpstreamUnavailable(`upstream did not answer within ${config.timeoutMs} ms`);
        }
        if (signal?.aborted) throw error;
        // DNS, refused connection, TLS: worth a clear message to the client, the details go to the logs.
        throw new UpstreamUnavailable('upstream is unreachable', { cause: error });
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        throw new ToolError(`upstream answered ${response.status} (redirects are not followed)`);
      }
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body: await readText(response, MAX_RESPONSE_BYTES),
      };
    },
  };
}

async function readText(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes || !response.body) {
    await response.body?.cancel();
    if (declared > maxBytes)
      throw new ToolError(`upstream response is larger than ${maxBytes} bytes`);
    return '';
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new ToolError(`upstream response is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
