import { expect } from "vitest";
import { parsePrometheusText, type Scrape } from "./prometheus-text.js";

/** The metrics URL next to a gateway's GraphQL URL. */
export function metricsUrl(graphqlUrl: string, path = "/metrics"): string {
  return graphqlUrl.replace(/\/graphql$/, path);
}

/** Scrapes a gateway's metrics as Prometheus would, checking the answer is the text format. */
export async function scrape(graphqlUrl: string, options: { path?: string; token?: string } = {}): Promise<Scrape> {
  const res = await fetch(
    metricsUrl(graphqlUrl, options.path),
    options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {},
  );
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}
