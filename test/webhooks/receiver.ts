import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignature } from "../../src/webhooks/signature.js";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the signature verified with the receiver's secret, as a partner's receiver would check it. */
  verified: boolean;
  at: number;
}

/** What the receiver does with the n-th request (0-based) and its path: answer a status, or never answer. */
export type Script = (n: number, path: string) => number | "hang";

/**
 * A real webhook receiver on 127.0.0.1:0: it verifies each request's signature with verifySignature and answers
 * as `script` says. `secret` is set once the webhook is created (the gateway makes it).
 */
export async function startReceiver(script: Script = () => 200): Promise<{
  url: string;
  received: Received[];
  secret: string;
  /** Resolves when `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const state = { secret: "" };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const n = received.length;
      received.push({
        path: req.url ?? "",
        headers: req.headers,
        body,
        verified: verifySignature(state.secret, body, req.headers["x-license-gateway-signature"] as string | undefined),
        at: Date.now(),
      });
      for (const wake of waiters.splice(0)) wake();
      const answer = script(n, req.url ?? "");
      if (answer === "hang") return;
      res.writeHead(answer, { "content-type": "text/plain" }).end(`receiver says ${answer}: internal detail that must not be stored`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    get secret() {
      return state.secret;
    },
    set secret(value: string) {
      state.secret = value;
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`the receiver got ${received.length} requests, not ${count}, within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
