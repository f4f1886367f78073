import { type XmcpConfig } from "xmcp";

// bench/compare.mjs builds this project with BENCH_XMCP_PORT set: xmcp reads its port at build time.
const config: XmcpConfig = {
  http: {
    host: "127.0.0.1",
    port: Number(process.env.BENCH_XMCP_PORT ?? 3103),
  },
  paths: {
    prompts: false,
    resources: false,
  },
};

export default config;
