// The ceiling of the stack in bench/load.mjs: Express 5 parsing the same JSON-RPC body and answering a
// tools/call-shaped JSON result, with no MCP at all. GET /health answers 200 for the cold-start probe.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.use(express.json());
app.get('/health', (_req, res) => res.json({ status: 'ok' }));
app.post('/mcp', (req, res) => {
  const text = req.body?.params?.arguments?.text ?? '';
  res.json({ jsonrpc: '2.0', id: req.body?.id ?? null, result: { content: [{ type: 'text', text }] } });
});
app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
