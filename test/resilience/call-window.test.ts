import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { operationScope, runInOperation } from "../../src/domain/operation-context.js";
import { encodePath } from "../../src/sources/http.js";
import { CallWindow } from "../../src/sources/resilience/call-window.js";
import { clientFor, closeClients, ok, rejectionOf, settings, useScriptedServer } from "./support.js";

/**
 * How an attempt's window ends, seen from the client: each end (its timeout, the operation's deadline, the client
 * going away) stops the call at the right moment with its own code and sentence, before sending when the window
 * closed first. The window tells undici through an EventEmitter and makes an AbortSignal only for a wait in line,
 * so each end is checked through the real client and a server that never answers.
 */

const server = useScriptedServer();
afterEach(closeClients);

describe("an attempt's window, through the client", () => {
  it("its own timeout ends a call the vendor never answers: UPSTREAM_TIMEOUT within the source's timeout", async () => {
    const { client } = clientFor(server, settings({ retries: 0 }), 200);
    server.handle(() => undefined);
    const error = await rejectionOf(client.send({ method: "GET", path: "/read" }));
    expect(error).toMatchObject({
      code: "UPSTREAM_TIMEOUT",
      source: "test-src",
      message: "test-src: GET /read did not answer within 200 ms",
    });
    expect(server.hits).toBe(1);
  });

  it("the client going away abandons a call in flight: UPSTREAM_UNAVAILABLE, not retried", async () => {
    const { client } = clientFor(server, settings({ retries: 2 }), 5_000);
    server.handle(() => undefined);
    const gone = new AbortController();
    const scope = operationScope(5_000, gone.signal);
    setTimeout(() => gone.abort(new Error("client closed the connection")), 50);
    const started = Date.now();
    const error = await runInOperation(scope, () => rejectionOf(client.send({ method: "GET", path: "/read" })));
    scope.end();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({
      code: "UPSTREAM_UNAVAILABLE",
      message: "test-src: GET /read was abandoned: the operation was cancelled",
    });
    expect(server.hits).toBe(1);
  });

  it("the client going away abandons every call of its operation in flight, each once; another operation's go on", async () => {
    const { client } = clientFor(server, settings({ retries: 0 }), 5_000);
    let answer = false;
    server.handle((_req, res) => {
      if (answer) ok(res);
    });
    const gone = new AbortController();
    const scope = operationScope(5_000, gone.signal);
    const other = operationScope(5_000);
    const calls = runInOperation(scope, () =>
      Promise.allSettled(Array.from({ length: 20 }, (_, i) => client.send({ method: "GET", path: encodePath`/read/${String(i)}` }))),
    );
    await sleep(50);
    answer = true;
    const unaffected = runInOperation(other, () => client.send({ method: "GET", path: "/other" }));
    gone.abort(new Error("client closed the connection"));
    const settled = await calls;
    expect((await unaffected).status).toBe(200);
    scope.end();
    other.end();
    expect(settled.map((s) => s.status)).toEqual(Array(20).fill("rejected"));
    for (const s of settled)
      expect((s as PromiseRejectedResult).reason).toMatchObject({
        code: "UPSTREAM_UNAVAILABLE",
        message: "test-src: GET /read/{} was abandoned: the operation was cancelled",
      });
    expect(server.hits).toBe(21);
  });

  it("a call made after its operation's deadline passed is not sent, though a slot is free", async () => {
    const { client } = clientFor(server, settings({ retries: 0 }));
    const scope = operationScope(1);
    await sleep(20);
    const error = await runInOperation(scope, () => rejectionOf(client.send({ method: "GET", path: "/read" })));
    scope.end();
    expect(error).toMatchObject({ code: "UPSTREAM_TIMEOUT", message: "GET /read was not sent: the operation's deadline had passed" });
    expect(server.hits).toBe(0);
  });

  it("a call made after its client went away is not sent, though a slot is free", async () => {
    const { client } = clientFor(server, settings({ retries: 0 }));
    const gone = new AbortController();
    gone.abort(new Error("client closed the connection"));
    const scope = operationScope(5_000, gone.signal);
    const error = await runInOperation(scope, () => rejectionOf(client.send({ method: "GET", path: "/read" })));
    scope.end();
    expect(error).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", message: "GET /read was not sent: the operation was cancelled" });
    expect(server.hits).toBe(0);
  });
});

describe("CallWindow", () => {
  it("tells undici's listener and a signal asked for later the same end and reason", async () => {
    const window = new CallWindow(20);
    const heard: unknown[] = [];
    window.abortEvents.once("abort", () => heard.push(window.abortEvents.reason));
    await sleep(60);
    expect(window.end).toBe("timeout");
    expect(window.abortEvents.aborted).toBe(true);
    expect(heard).toHaveLength(1);
    expect((heard[0] as Error).name).toBe("TimeoutError");
    // Made after the end: already aborted, with the reason undici was given.
    expect(window.signal.aborted).toBe(true);
    expect(window.signal.reason).toBe(heard[0]);
  });

  it("aborts a signal asked for while open when it closes; disposed first, it never closes", async () => {
    const open = new CallWindow(20);
    const signal = open.signal;
    expect(signal.aborted).toBe(false);
    const disposed = new CallWindow(20);
    disposed.dispose();
    await sleep(60);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(open.abortEvents.reason);
    expect(disposed.end).toBeUndefined();
    expect(disposed.abortEvents.aborted).toBe(false);
  });
});
