import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CallLog, FaultBook, sendJson, startListener, type RunningListener, type SimulatorKnobs } from "../../src/simulators/http-kit.js";

/** The simulators' fault kinds added for the fault-injection suite and the load test, on a bare listener. */

let sequence: number[] = [];
const knobs: SimulatorKnobs<"api"> = {
  calls: new CallLog<"api">(),
  // A scripted coin: each request takes the next number.
  faults: new FaultBook<"api">(() => sequence.shift() ?? 0),
  latencyMs: 0,
  errorBody: (status) => ({ status }),
};
let listener: RunningListener;

beforeAll(async () => {
  listener = await startListener("api", knobs, (_req, res) => sendJson(res, 200, { ok: true }));
});
afterAll(async () => {
  await listener.close();
});
beforeEach(() => {
  knobs.faults.clear();
  sequence = [];
});

describe("wrong-content-type", () => {
  it("answers 200 with an HTML page instead of JSON", async () => {
    knobs.faults.add({ kind: "wrong-content-type" });
    const res = await fetch(`${listener.url}/x`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/^<!DOCTYPE html>/);
  });
});

describe("slow-body", () => {
  it("sends the headers at once and the body a byte at a time", async () => {
    knobs.faults.add({ kind: "slow-body", bytes: 6, byteIntervalMs: 50 });
    const started = Date.now();
    const res = await fetch(`${listener.url}/x`);
    const headersAfter = Date.now() - started;
    const body = await res.text();
    expect(headersAfter).toBeLessThan(150);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(JSON.parse(body)).toBe("xxxx");
  });
});

describe("probability", () => {
  it("spoils a matching request only when the coin says so; spared requests do not use up `times`", async () => {
    knobs.faults.add({ kind: "status", status: 503, probability: 0.5, times: 2 });
    sequence = [0.9, 0.1, 0.7, 0.4, 0.2];
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${listener.url}/x`)).status);
    // 0.9 spared, 0.1 spoiled, 0.7 spared, 0.4 spoiled (times used up), then nothing is spoiled.
    expect(statuses).toEqual([200, 503, 200, 503, 200]);
  });
});
