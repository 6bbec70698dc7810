import type { IncomingMessage, ServerResponse } from "node:http";
import { parseLicenseChange, type ChangeOutcome, type LicenseChange } from "../simulators/license-change.js";
import type { DemoVendors } from "./vendors.js";

/** The demo's path for changing a license at its simulator: `POST /demo/licenses/<source>/<key>`. */
export const DEMO_LICENSE_CONTROL_PATH = "/demo/licenses/";

const MAX_BODY_BYTES = 4096;

/**
 * Changes a license at a demo simulator, behind the gateway's back (issue 16): the gateway learns of it only at its
 * next sync, as it would of a change made in a vendor's own back office. Served by the demo alone (auth is off
 * there), beside /graphql, so a newcomer can try it with curl while GraphiQL's "License events" tab listens:
 *
 *   curl -X POST localhost:4000/demo/licenses/cryptolens/<key> -H 'content-type: application/json' -d '{"kind":"block"}'
 *
 * Kinds: expire, expireInDays (with "days"), block, unblock, deactivate, release, remove; each simulator applies
 * those its vendor has and answers 400 for the others.
 */
export function demoLicenseControl(vendors: DemoVendors): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const bySource = vendors as unknown as Record<
    string,
    { changeLicense?: (key: string, change: LicenseChange) => ChangeOutcome } | undefined
  >;
  return async (req, res, url) => {
    if (req.method !== "POST") return reply(res, 405, { error: 'POST a JSON body such as {"kind":"expire"}' }, { allow: "POST" });
    const [source, key, ...rest] = url.pathname.slice(DEMO_LICENSE_CONTROL_PATH.length).split("/").map(decodeURIComponent);
    if (!source || !key || rest.length > 0) return reply(res, 404, { error: "use /demo/licenses/<source>/<key>" });
    const simulator = Object.hasOwn(bySource, source) ? bySource[source] : undefined;
    if (typeof simulator?.changeLicense !== "function")
      return reply(res, 404, { error: `no demo source ${JSON.stringify(source)} with licenses` });
    const change = parseLicenseChange(await readJson(req));
    if (!change) {
      return reply(res, 400, {
        error:
          'the body must be {"kind": "expire" | "block" | "unblock" | "deactivate" | "release" | "remove"} or {"kind": "expireInDays", "days": <0-3650>}',
      });
    }
    const outcome = simulator.changeLicense(key, change);
    if (!outcome.ok) return reply(res, outcome.status, { error: outcome.message });
    return reply(res, 200, { changed: { source, key, ...change }, note: "the gateway sees it at its next sync" });
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > MAX_BODY_BYTES) return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers })
    .end(text);
}
