import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { announce, argument, exitWhenStdinCloses, failStart } from "../child-side.js";

/**
 * The platform's limit on this machine: a bare `node:http` server that reads the request and answers with the
 * bytes the gateway sent for the scenario (body and content type), doing nothing else. `POST /s/<scenario>`.
 */

export interface BareInput {
  /** A JSON file of `BareResponses`: too big for the environment once the 20-customer answer is in it. */
  responsesFile: string;
}

export type BareResponses = Record<string, { headers: Record<string, string>; body: string }>;

export interface BareReady {
  url: string;
}

async function main(): Promise<void> {
  const responses = JSON.parse(readFileSync(argument<BareInput>().responsesFile, "utf8")) as BareResponses;
  const prepared = new Map(Object.entries(responses).map(([id, r]) => [`/s/${id}`, { headers: r.headers, body: Buffer.from(r.body) }]));
  const server = createServer((req, res) => {
    // Read the whole request as the gateway must before it can answer.
    req.resume();
    req.once("end", () => {
      const answer = prepared.get(req.url ?? "");
      if (answer === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { ...answer.headers, "content-length": answer.body.length }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  exitWhenStdinCloses(async () => {
    server.closeAllConnections();
    server.close();
  });
  announce({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } satisfies BareReady);
}

main().catch(failStart);
