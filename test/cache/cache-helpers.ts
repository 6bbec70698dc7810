import { expect } from "vitest";
import type { GraphQLResponse, TestGateway } from "../support/gateway.js";

/** A read the tests repeat: the same document and variables, so the same response-cache key each time. */
export interface Read {
  query: string;
  variables?: Record<string, unknown>;
}

export const cacheStatus = (res: GraphQLResponse): string => res.headers.get("cache-status") ?? "";
export const isHit = (res: GraphQLResponse): boolean => /^license-gateway; hit\b/.test(cacheStatus(res));

/**
 * Reads twice and returns the data. The second answer must be a hit with the same body: only then can a later
 * read prove that something cached was dropped rather than never kept.
 */
export async function cached(t: TestGateway, read: Read): Promise<any> {
  const first = await t.gql(read.query, read.variables);
  expect(first.body.errors, JSON.stringify(first.body.errors)).toBeUndefined();
  const second = await t.gql(read.query, read.variables);
  expect(cacheStatus(second), read.query).toMatch(/^license-gateway; hit; ttl=\d+$/);
  expect(second.body).toEqual(first.body);
  return second.body.data;
}

/** Reads after a change: the answer must be computed again, not served from the response cache. */
export async function fresh(t: TestGateway, read: Read): Promise<any> {
  const res = await t.gql(read.query, read.variables);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  expect(isHit(res), `${read.query} was answered from the cache: ${cacheStatus(res)}`).toBe(false);
  return res.body.data;
}

/** Reads that must still be hits (an unrelated change drops nothing of theirs); returns their data. */
export async function stillCached(t: TestGateway, read: Read): Promise<any> {
  const res = await t.gql(read.query, read.variables);
  expect(cacheStatus(res), read.query).toMatch(/^license-gateway; hit; ttl=\d+$/);
  return res.body.data;
}

/**
 * Runs a mutation and returns its one payload, asserting it succeeded: no GraphQL error, an empty `errors` in
 * the payload where it has one, and a Cache-Status saying the response cache left it alone.
 */
export async function mutate(t: TestGateway, mutation: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await t.gql(mutation, variables);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  expect(cacheStatus(res)).toBe("license-gateway; fwd=method");
  const payload = Object.values(res.body.data as Record<string, any>)[0];
  if (payload !== null && typeof payload === "object" && Array.isArray(payload.errors)) expect(payload.errors).toEqual([]);
  return payload;
}
