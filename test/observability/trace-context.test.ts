import { describe, expect, it } from "vitest";
import { parseTraceparent, traceHeaders } from "../../src/observability/trace-context.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";

describe("parseTraceparent", () => {
  it("reads a version 00 header, its flags and a tracestate", () => {
    const context = parseTraceparent(`00-${TRACE}-${SPAN}-01`, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    expect(context).toMatchObject({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
    expect(context?.traceState?.get("congo")).toBe("t61rcWkgMzE");
  });

  it("accepts a later version with more fields, as the spec asks", () => {
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01-what-the-future-holds`)).toMatchObject({ traceId: TRACE, spanId: SPAN });
  });

  it.each([
    ["absent", undefined],
    ["empty", ""],
    ["uppercase hex", `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ["an all-zero trace id", `00-${"0".repeat(32)}-${SPAN}-01`],
    ["an all-zero parent id", `00-${TRACE}-${"0".repeat(16)}-01`],
    ["version ff", `ff-${TRACE}-${SPAN}-01`],
    ["version 00 with more fields", `00-${TRACE}-${SPAN}-01-extra`],
    ["a short trace id", `00-${TRACE.slice(1)}-${SPAN}-01`],
    ["two headers joined", `00-${TRACE}-${SPAN}-01, 00-${TRACE}-${SPAN}-01`],
  ])("ignores %s", (_, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe("traceHeaders", () => {
  it("writes what parseTraceparent reads", () => {
    const context = parseTraceparent(`00-${TRACE}-${SPAN}-00`, "rojo=00f067aa0ba902b7")!;
    expect(traceHeaders(context)).toEqual({ traceparent: `00-${TRACE}-${SPAN}-00`, tracestate: "rojo=00f067aa0ba902b7" });
    expect(traceHeaders({ traceId: TRACE, spanId: SPAN, traceFlags: 1 })).toEqual({ traceparent: `00-${TRACE}-${SPAN}-01` });
  });
});
