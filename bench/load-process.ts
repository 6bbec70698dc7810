import autocannon from "autocannon";
import { announce, failStart, serveCommands } from "./child-side.js";
import { claimBody, releaseBody, reportsErrors, type ClaimTarget, type GraphQLBody } from "./scenarios.js";

/**
 * The load generator, in a process of its own so its CPU is not the gateway's: autocannon, driven
 * programmatically because the claim scenario needs a body built per request. One command per measurement.
 */

export type LoadPlan =
  /** Each connection cycles through the operations, starting at a different one; see Scenario.failureMarker. */
  | { kind: "operations"; operations: GraphQLBody[]; failureMarker?: string }
  /** Connection i claims and releases `targets[i]` in turn, each request with a fresh idempotency key. */
  | { kind: "claims"; targets: ClaimTarget[]; runId: string };

export interface LoadCommand {
  url: string;
  connections: number;
  durationS: number;
  plan: LoadPlan;
}

export interface LoadResult {
  /** Responses received. */
  requests: number;
  /** Requests sent: the responses plus those still in flight when the load stopped. */
  requestsSent: number;
  durationS: number;
  reqPerSec: number;
  latencyMs: { p50: number; p99: number; mean: number; max: number };
  non2xx: number;
  /** Connection errors and timeouts (autocannon counts timeouts among its errors). */
  socketErrors: number;
  timeouts: number;
  /** 200 responses that carry GraphQL errors, a mutation's user errors, or the scenario's failure marker. */
  reportedErrors: number;
  /** The first failing response, for the report. */
  firstFailure?: string;
  /** Responses by their `cache-status` header (RFC 9211), e.g. {"hit": 950, "none": 50}. */
  cacheStatus: Record<string, number>;
}

const HEADERS = { "content-type": "application/json", accept: "application/json" };

async function run(command: LoadCommand): Promise<LoadResult> {
  const path = new URL(command.url).pathname;
  const failureMarker = command.plan.kind === "operations" ? command.plan.failureMarker : undefined;
  let reportedErrors = 0;
  let firstFailure: string | undefined;
  const cacheStatus: Record<string, number> = {};
  const onResponse = (status: number, body: string, _context: object, headers: Record<string, unknown> | undefined): void => {
    if (status !== 200 || reportsErrors(body, failureMarker)) {
      if (status === 200) reportedErrors++;
      firstFailure ??= `${status} ${body.slice(0, 500)}`;
    }
    const cache = headers?.["cache-status"];
    const outcome = typeof cache === "string" ? (/;\s*(hit|fwd=[a-z-]+)/.exec(cache)?.[1] ?? cache) : "none";
    cacheStatus[outcome] = (cacheStatus[outcome] ?? 0) + 1;
  };
  const request = (body: GraphQLBody): autocannon.Request => ({
    method: "POST",
    path,
    headers: HEADERS,
    body: JSON.stringify(body),
    onResponse,
  });

  const plan = command.plan;
  if (plan.kind === "claims" && plan.targets.length < command.connections) {
    throw new Error(`the claim scenario needs a license per connection: ${plan.targets.length} for ${command.connections} connections`);
  }
  let slot = 0;
  let sequence = 0;
  const requestsOf = (i: number): autocannon.Request[] => {
    if (plan.kind === "operations") {
      const ops = plan.operations;
      return ops.map((_, j) => request(ops[(i + j) % ops.length]!));
    }
    const target = plan.targets[i]!;
    const fresh = (make: typeof claimBody): autocannon.Request => ({
      ...request(make(target, "placeholder")),
      setupRequest: (req) => ({ ...req, body: JSON.stringify(make(target, `${plan.runId}-${i}-${sequence++}`)) }),
    });
    return [fresh(claimBody), fresh(releaseBody)];
  };

  const result = await autocannon({
    url: command.url,
    connections: command.connections,
    duration: command.durationS,
    timeout: 30,
    requests: requestsOf(0),
    setupClient: (client) => client.setRequests(requestsOf(slot++)),
  });
  const requests = result.requests.total;
  return {
    requests,
    requestsSent: result.requests.sent,
    durationS: result.duration,
    reqPerSec: requests / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.average, max: result.latency.max },
    non2xx: result.non2xx,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    reportedErrors,
    ...(firstFailure === undefined ? {} : { firstFailure }),
    cacheStatus,
  };
}

try {
  serveCommands(
    (command: LoadCommand) => run(command),
    async () => {},
  );
  announce({ pid: process.pid });
} catch (error) {
  failStart(error);
}
