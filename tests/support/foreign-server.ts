import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the foreign server received. */
export interface ForeignRequest {
  method: string;
  path: string;
  body: string;
}

/**
 * A local HTTP server that is not Slack (127.0.0.1, but another origin than
 * the fake Slack's): it records every request, so a test can show that the
 * app sends it nothing, neither directly nor through a redirect.
 */
export async function startForeignServer(): Promise<ForeignServer> {
  const server = new ForeignServer();
  await server.listen();
  return server;
}

export class ForeignServer {
  readonly requests: ForeignRequest[] = [];
  private readonly server: Server;
  private port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        this.requests.push({ method: req.method ?? "?", path: req.url ?? "/", body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      });
    });
  }

  /** @internal used by startForeignServer */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** A URL on this server. */
  url(path = "/hook"): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
