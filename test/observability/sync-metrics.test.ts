import { describe, expect, it } from "vitest";
import { GatewayMetrics } from "../../src/observability/metrics.js";

/** The sync's and the webhooks' series (issue 16), read from the text exposition as a scraper reads it. */
describe("sync and webhook metrics", () => {
  it("shows each source's sync lag, last success, runs and events by type, and webhook outcomes", async () => {
    const metrics = new GatewayMetrics({ maxOperationNames: 10 });
    const lastSuccessAt = new Date(Date.now() - 30_000);
    metrics.watchSync(() => [
      { source: "sofar", runs: { ok: 3, failed: 1, stopped: 0 }, lastSuccessAt, events: { APPEARED: 12, BLOCKED: 1 } },
      { source: "cryptolens", runs: { ok: 0, failed: 2, stopped: 0 }, lastSuccessAt: null, events: {} },
    ]);
    metrics.webhookDelivery("delivered");
    metrics.webhookDelivery("delivered");
    metrics.webhookDelivery("dead");
    const { text } = await metrics.render();
    const value = (series: string) => {
      const line = text.split("\n").find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    expect(value('license_gateway_sync_lag_seconds{source="sofar"}')).toBeGreaterThanOrEqual(29);
    expect(value('license_gateway_sync_lag_seconds{source="sofar"}')).toBeLessThan(60);
    // Never synced: no lag to speak of, rather than a lag since 1970.
    expect(value('license_gateway_sync_lag_seconds{source="cryptolens"}')).toBeUndefined();
    expect(value('license_gateway_sync_last_success_timestamp_seconds{source="sofar"}')).toBeCloseTo(lastSuccessAt.getTime() / 1000, 0);
    expect(value('license_gateway_sync_runs_total{source="sofar",outcome="failed"}')).toBe(1);
    expect(value('license_gateway_sync_runs_total{source="cryptolens",outcome="failed"}')).toBe(2);
    expect(value('license_gateway_license_events_total{source="sofar",type="APPEARED"}')).toBe(12);
    expect(value('license_gateway_webhook_deliveries_total{outcome="delivered"}')).toBe(2);
    expect(value('license_gateway_webhook_deliveries_total{outcome="dead"}')).toBe(1);
  });
});
