import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { spawnGateway, type GatewayProcess } from "../support/gateway-process.js";

/**
 * Issue 13, item 16: a body over `server.limits.maxBodyBytes` sent by undici or fetch met EPIPE or ECONNRESET
 * instead of the 413, because the server stopped reading and closed the socket while the client was still writing.
 * The bodies are several megabytes, far more than the sockets' buffers hold. The gateway runs in its own process,
 * as clients meet it: in this one, the client read each answer in the same turn of the event loop that wrote it,
 * before the reset could arrive, and the fault never showed; across processes it showed on about half the requests,
 * so each way of sending is tried several times.
 */
const MAX_BODY_BYTES = 1024;
const TRIES = 5;
let dir: string;
let gateway: GatewayProcess;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lg-oversized-body-"));
  const config = join(dir, "gateway.yaml");
  const server = { host: "127.0.0.1", port: 0, limits: { maxBodyBytes: MAX_BODY_BYTES } };
  await writeFile(config, stringify({ server, store: { url: "memory://" }, auth: { mode: "off" }, sources: {} }));
  gateway = spawnGateway(config);
  url = await gateway.url;
}, 120_000);

afterAll(async () => {
  gateway?.child.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

const BODY_BYTES = 8 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, " ");
const HEADERS = { "content-type": "application/json", accept: "application/json" };

/** `total` bytes of JSON whitespace, produced a chunk at a time: sent chunked, with no Content-Length. */
function streamed(total = BODY_BYTES): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      sent += CHUNK.length;
      this.push(CHUNK);
    },
  });
}

function expectBodyLimitRefusal(status: number, text: string): void {
  expect([status, text.slice(0, 300)]).toEqual([413, expect.any(String)]);
  const body = JSON.parse(text) as { data?: unknown; errors: Array<{ message: string; extensions: unknown }> };
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]!.extensions).toEqual({ code: "OPERATION_LIMIT_EXCEEDED", limit: "maxBodyBytes" });
  expect(body.errors[0]!.message).toBe(`the request body is larger than ${MAX_BODY_BYTES} bytes`);
}

/** Each way a Node client sends a body: a buffer (Content-Length) or a stream (chunked), through undici and fetch. */
const SENDERS: Record<string, () => Promise<{ status: number; text: string }>> = {
  "undici request, with Content-Length": async () => {
    const res = await request(url, { method: "POST", headers: HEADERS, body: Buffer.alloc(BODY_BYTES, " ") });
    return { status: res.statusCode, text: await res.body.text() };
  },
  "undici request, streamed without Content-Length (chunked)": async () => {
    const res = await request(url, { method: "POST", headers: HEADERS, body: streamed() });
    return { status: res.statusCode, text: await res.body.text() };
  },
  "fetch, with Content-Length": async () => {
    const res = await fetch(url, { method: "POST", headers: HEADERS, body: new Uint8Array(BODY_BYTES).fill(32) });
    return { status: res.status, text: await res.text() };
  },
  "fetch, streamed without Content-Length (chunked)": async () => {
    const body = Readable.toWeb(streamed()) as ReadableStream<Uint8Array>;
    const res = await fetch(url, { method: "POST", headers: HEADERS, body, duplex: "half" } as RequestInit);
    return { status: res.status, text: await res.text() };
  },
};

describe("an oversized body gets the 413, not EPIPE or ECONNRESET", () => {
  it.each(Object.keys(SENDERS))("%s", async (sender) => {
    for (let i = 0; i < TRIES; i++) {
      const { status, text } = await SENDERS[sender]!();
      expectBodyLimitRefusal(status, text);
    }
  });

  it("says connection: close, and the gateway answers the next request on a new connection", async () => {
    const res = await request(url, { method: "POST", headers: HEADERS, body: Buffer.alloc(BODY_BYTES, " ") });
    expect(res.headers.connection).toBe("close");
    await res.body.text();
    const next = await request(url, { method: "POST", headers: HEADERS, body: JSON.stringify({ query: "{ __typename }" }) });
    expect([next.statusCode, await next.body.json()]).toEqual([200, { data: { __typename: "Query" } }]);
  });

  it("a client that never stops sending is cut off once the bound on discarded bytes is passed, after its 413", async () => {
    // A raw socket declaring 1 GiB and writing as fast as the server reads, whatever the server answers.
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    let received = "";
    socket.setEncoding("latin1").on("data", (text: string) => (received += text));
    const closed = new Promise<number>((resolve) => {
      let written = 0;
      const more = () => {
        while (!socket.destroyed && written < 1024 ** 3) {
          written += CHUNK.length;
          if (!socket.write(CHUNK)) return void socket.once("drain", more);
        }
      };
      socket.once("connect", () => {
        socket.write(
          `POST /graphql HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\ncontent-length: ${1024 ** 3}\r\n\r\n`,
        );
        more();
      });
      socket.on("error", () => undefined).once("close", () => resolve(written));
    });
    const written = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received).toContain('"code":"OPERATION_LIMIT_EXCEEDED"');
    // Far less than the 1 GiB declared: the gateway stopped reading a few megabytes past the limit.
    expect(written).toBeLessThan(256 * 1024 * 1024);
  }, 30_000);
});
