import { describe, expect, it } from "vitest";
import type { LicenseEvent } from "../../src/domain/license-events.js";
import { webhookBody, webhookPayload } from "../../src/webhooks/payload.js";

const event: LicenseEvent = {
  cursor: 42,
  type: "EXPIRING",
  at: new Date("2026-12-06T07:00:00.000Z"),
  origin: "SYNC",
  source: "sofar",
  externalId: "SOFAR-RES-0004",
  customerId: "demo-customer-1",
  status: "ACTIVE",
  previousStatus: null,
  nodeId: null,
  expiresAt: new Date("2027-01-05T00:00:00.000Z"),
  thresholdDays: 30,
};

describe("webhookPayload", () => {
  it("is version 1 of one event: its cursor as the id, ISO dates, the license's GraphQL id", () => {
    expect(webhookPayload(event)).toEqual({
      version: 1,
      id: "42",
      type: "EXPIRING",
      at: "2026-12-06T07:00:00.000Z",
      licenseId: "sofar:SOFAR-RES-0004",
      source: "sofar",
      customerId: "demo-customer-1",
      status: "ACTIVE",
      previousStatus: null,
      nodeId: null,
      expiresAt: "2027-01-05T00:00:00.000Z",
      thresholdDays: 30,
    });
  });

  it("names its fields one by one: nothing else an event object carries reaches a receiver (a key, a vendor's text)", () => {
    const carrying = { ...event, key: "SECRET-LICENSE-KEY", vendorMessage: "internal host db-7 refused" } as LicenseEvent;
    const body = webhookBody(carrying);
    expect(body).not.toContain("SECRET-LICENSE-KEY");
    expect(body).not.toContain("db-7");
    expect(body).not.toContain("origin");
    expect(JSON.parse(body)).toEqual(webhookPayload(event));
  });

  it("is the same bytes every time for one event, so every retry carries one body", () => {
    expect(webhookBody(event)).toBe(webhookBody({ ...event }));
    expect(webhookPayload({ ...event, expiresAt: null }).expiresAt).toBeNull();
  });
});
