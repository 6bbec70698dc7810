import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import type { ErrorCode } from "../../src/errors/codes.js";
import { GatewayError } from "../../src/errors/gateway-error.js";

/** What every adapter test file needs, whatever the vendor. */

/** Asserts a GatewayError with `code` from `sourceId`, and returns it for further checks. */
export function expectGatewayErrorFrom(sourceId: string, value: unknown, code: ErrorCode): GatewayError {
  expect(value).toBeInstanceOf(GatewayError);
  const error = value as GatewayError;
  expect({ code: error.code, source: error.source, message: error.message }).toMatchObject({ code, source: sourceId });
  return error;
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to reject, but it resolved");
}

/** A URL on 127.0.0.1 where nothing listens any more (the port was free a moment ago): connection refused. */
export async function closedPortUrl(path = "/"): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return `http://127.0.0.1:${port}${path}`;
}
