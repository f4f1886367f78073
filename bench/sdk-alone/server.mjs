// The SDK-alone floor of bench/load.mjs: what SDK v2 costs with nothing in front of it. node:http reads the
// body, JSON.parse, then handler.fetch with a body-less Request and `parsedBody`; the answer is written once.
// One tool, its schema built once at module scope. No checks, no auth, no limits, no logs. PORT from the
// environment; GET /health answers 200 for the cold-start probe.
import http from 'node:http';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

const inputSchema = z.object({ text: z.string() });
const handler = createMcpHandler(() => {
  const server = new McpServer({ name: 'sdk-alone', version: '1.0.0' });
  server.registerTool('echo', { title: 'Echo', description: 'Returns the text it is given.', inputSchema }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  return server;
});

http
  .createServer(async (req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const parsedBody = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const response = await handler.fetch(new Request(`http://localhost${req.url}`, { method: req.method, headers }), {
      parsedBody,
    });
    const head = {};
    response.headers.forEach((value, name) => (head[name] = value));
    const bytes = Buffer.from(await response.arrayBuffer());
    head['content-length'] = String(bytes.length);
    res.writeHead(response.status, head).end(bytes);
  })
  .listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
