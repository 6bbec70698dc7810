import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Shared machinery for the vendor simulators: a call log, scripted faults, latency, and a listener on
 * 127.0.0.1:0 that applies them to every request before the vendor's own handler sees it. Nothing in here
 * knows a vendor: the error body a vendor sends for a bare status comes in through `SimulatorKnobs.errorBody`.
 */

// ---- call log ------------------------------------------------------------------------------------------

export interface CallRecord<S extends string = string> {
  /** Which of the simulator's listeners answered (a vendor may have several hosts). */
  server: S;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Arrival time, epoch milliseconds. */
  at: number;
  /** Whether an Authorization header was sent; never its value, so a log dump cannot leak a token. */
  authorization: boolean;
  /** The W3C `traceparent` header, as sent (ids and flags only, no secret): tests follow a trace into the vendor. */
  traceparent?: string;
  /** Status sent; 0 when nothing was sent (a "reset" or "timeout" fault, or still in progress). */
  status: number;
  /**
   * When the whole response had been written, epoch milliseconds (set, like `status`, before the client can
   * read it); absent while in progress or when no response was ended. With `at`, it orders dependent calls:
   * `npm run bench` derives the critical path from it.
   */
  endedAt?: number;
  /**
   * SHA-256 (hex) of the request body, once a handler has read it with `readBody`; absent for a body never
   * read. A digest, never the body, so a log dump cannot leak a password or token sent in it; enough to tell
   * two POSTs to one path apart.
   */
  bodyDigest?: string;
}

export interface CallFilter<S extends string = string> {
  server?: S;
  method?: string;
  path?: string | RegExp;
}

export class CallLog<S extends string = string> {
  private records: CallRecord<S>[] = [];

  record(call: CallRecord<S>): void {
    this.records.push(call);
  }

  count(filter: CallFilter<S> = {}): number {
    return this.records.filter((call) => matches(filter, call.server, call.method, call.path)).length;
  }

  list(): CallRecord<S>[] {
    return this.records.map((call) => ({ ...call, query: { ...call.query } }));
  }

  reset(): void {
    this.records = [];
  }
}

function matches<S extends string>(filter: CallFilter<S>, server: S, method: string, path: string): boolean {
  if (filter.server !== undefined && filter.server !== server) return false;
  if (filter.method !== undefined && filter.method.toUpperCase() !== method) return false;
  if (filter.path === undefined) return true;
  return typeof filter.path === "string" ? filter.path === path : filter.path.test(path);
}

// ---- faults --------------------------------------------------------------------------------------------

export type FaultRule<S extends string = string> = CallFilter<S> & {
  /** How many matching requests this rule spoils; default unlimited. */
  times?: number;
  /** The chance (0..1) that a matching request is spoiled; default 1. A request it spares does not count against `times`. */
  probability?: number;
} & (
    | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
    /** Never answers; the socket stays open until the client gives up or the simulator closes. */
    | { kind: "timeout" }
    /** Destroys the socket without a response. */
    | { kind: "reset" }
    /** 200 with a JSON content type and a body that is not JSON. */
    | { kind: "malformed" }
    /** 200 with a valid JSON body of `sizeBytes` (default 5 MiB), to test a client's response size cap. */
    | { kind: "oversized"; sizeBytes?: number }
    /** 200 with an HTML page where JSON was expected, as a proxy or a login wall in front of the vendor would send. */
    | { kind: "wrong-content-type" }
    /**
     * 200 with a JSON content type whose body trickles in one byte every `byteIntervalMs` (default 100 ms) and
     * takes `bytes` bytes (default 200, so 20 s) in all: headers arrive at once, the body far too late.
     */
    | { kind: "slow-body"; byteIntervalMs?: number; bytes?: number }
  );

export class FaultBook<S extends string = string> {
  private rules: { rule: FaultRule<S>; remaining: number }[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(rule: FaultRule<S>): void {
    this.rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule matching this request that still has uses left and wins its coin toss; using it counts one down. */
  take(server: S, method: string, path: string): FaultRule<S> | undefined {
    const entry = this.rules.find(
      (r) =>
        r.remaining > 0 &&
        matches(r.rule, server, method, path) &&
        (r.rule.probability === undefined || this.random() < r.rule.probability),
    );
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    return entry.rule;
  }
}

const DEFAULT_OVERSIZED_BYTES = 5 * 1024 * 1024;

async function applyFault(
  rule: FaultRule,
  res: ServerResponse,
  errorBody: (status: number) => unknown,
  closing: AbortSignal,
): Promise<void> {
  switch (rule.kind) {
    case "status": {
      const body = rule.body === undefined ? errorBody(rule.status) : rule.body;
      if (typeof body === "string") sendText(res, rule.status, body, rule.headers);
      else sendJson(res, rule.status, body, rule.headers);
      return;
    }
    case "timeout":
      // Deliberately no timer: an open socket is all the client sees, and closing the listener destroys it.
      return;
    case "reset":
      res.socket?.destroy();
      return;
    case "malformed":
      sendText(res, 200, '{"truncated": [{"id": "', undefined, "application/json; charset=utf-8");
      return;
    case "oversized": {
      const size = Math.max(rule.sizeBytes ?? DEFAULT_OVERSIZED_BYTES, 32);
      const head = '{"padding":"';
      const tail = '"}';
      const body = Buffer.alloc(size, "x");
      body.write(head, 0);
      body.write(tail, size - tail.length);
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": size });
      res.end(body);
      return;
    }
    case "wrong-content-type":
      sendText(res, 200, "<!DOCTYPE html><html><body><h1>Please sign in</h1></body></html>", undefined, "text/html; charset=utf-8");
      return;
    case "slow-body": {
      const bytes = Math.max(rule.bytes ?? 200, 2);
      const body = `"${"x".repeat(bytes - 2)}"`;
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": bytes });
      for (let i = 0; i < bytes; i++) {
        // Stop once the client gave up (socket gone) or the simulator closes.
        if (res.destroyed || closing.aborted) return;
        res.write(body[i]!);
        await sleep(rule.byteIntervalMs ?? 100, undefined, { signal: closing }).catch(() => undefined);
      }
      res.end();
      return;
    }
  }
}

// ---- request and response helpers ----------------------------------------------------------------------

export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
  }
}

/** The call record of each request in progress, so `readBody` can note the digest of what it read. */
const callOfRequest = new WeakMap<IncomingMessage, CallRecord>();

/** Reads the whole body as UTF-8; rejects with BodyTooLargeError past `limitBytes` (default 1 MiB). */
export function readBody(req: IncomingMessage, limitBytes = 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        req.off("data", onData);
        req.resume(); // drain the rest so the response can still be written
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => {
      const body = Buffer.concat(chunks);
      const call = callOfRequest.get(req);
      if (call !== undefined) call.bodyDigest = createHash("sha256").update(body).digest("hex");
      resolve(body.toString("utf8"));
    });
    req.once("error", reject);
  });
}

/** Parses JSON without throwing: a vendor answers a bad body with its own 400, not a crash. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The token of an `Authorization: Bearer <token>` header, taken verbatim (quotes included). */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1];
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), headers, "application/json; charset=utf-8");
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
  contentType = "text/plain; charset=utf-8",
): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

// ---- listener ------------------------------------------------------------------------------------------

/** The knobs one simulator shares across its listeners, so a test sets latency or a fault in one place. */
export interface SimulatorKnobs<S extends string = string> {
  readonly calls: CallLog<S>;
  readonly faults: FaultBook<S>;
  latencyMs: number;
  /** The vendor's error body for a bare status (a "status" fault without body, a 413, a crash's 500). */
  errorBody(status: number): unknown;
}

export type SimulatorHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface RunningListener {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Stops listening and destroys every open socket, keep-alive and hung ones included. */
  close(): Promise<void>;
}

/**
 * Starts one HTTP listener on 127.0.0.1:0. Every request is logged first (so faulted and failed ones count),
 * then delayed by the latency knob, then either spoiled by a matching fault or passed to `handle`.
 */
export async function startListener<S extends string>(
  server: S,
  knobs: SimulatorKnobs<S>,
  handle: SimulatorHandler,
): Promise<RunningListener> {
  const closing = new AbortController();
  // Every request's latency sleep listens on this one signal: many at once are the normal case under load.
  setMaxListeners(0, closing.signal);
  const http = createServer((req, res) => {
    void serve(req, res);
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    const call: CallRecord<S> = {
      server,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      at: Date.now(),
      authorization: req.headers.authorization !== undefined,
      ...(typeof req.headers.traceparent === "string" ? { traceparent: req.headers.traceparent } : {}),
      status: 0,
    };
    knobs.calls.record(call);
    callOfRequest.set(req, call);
    try {
      if (knobs.latencyMs > 0) await sleep(knobs.latencyMs, undefined, { signal: closing.signal });
      const fault = knobs.faults.take(server, method, url.pathname);
      if (fault !== undefined) await applyFault(fault, res, (status) => knobs.errorBody(status), closing.signal);
      else await handle(req, res, url);
    } catch (error) {
      if (closing.signal.aborted) return;
      const status = error instanceof BodyTooLargeError ? 413 : 500;
      if (res.headersSent) res.destroy();
      else sendJson(res, status, knobs.errorBody(status), { connection: "close" });
    } finally {
      // Set before the client can read the response: it is written to the socket but read on a later tick.
      call.status = res.headersSent ? res.statusCode : 0;
      if (res.writableEnded) call.endedAt = Date.now();
    }
  }

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        http.close((error) => (error ? reject(error) : resolve()));
        http.closeAllConnections();
      }),
  };
}

/** The knobs every simulator exposes the same way: latency and scripted faults. */
export function knobControls<S extends string>(knobs: SimulatorKnobs<S>) {
  return {
    setLatency: (ms: number): void => {
      knobs.latencyMs = ms;
    },
    fault: (rule: FaultRule<S>): void => knobs.faults.add(rule),
    clearFaults: (): void => knobs.faults.clear(),
  };
}
