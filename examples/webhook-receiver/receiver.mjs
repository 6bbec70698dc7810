// A webhook receiver for the license gateway, to copy and adapt: Node.js 18 or later, nothing to install.
//
//   WEBHOOK_SECRET=whsec_... PORT=8080 node receiver.mjs
//
// It checks every delivery's signature before trusting a byte of it, answers 2xx at once (the gateway waits at
// most 10 s, then retries), and drops a repeat of an event it has already handled: the gateway retries until it
// gets a 2xx, so one event may arrive more than once. See docs/partners.md#webhooks.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

/** How far (s) the signature's time may be from this machine's clock: older is a replay, newer a skewed clock. */
const TOLERANCE_SECONDS = 300;
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Whether `header` (X-License-Gateway-Signature: `t=<unix seconds>,v1=<hex>`) signs exactly `rawBody` with `secret`:
 * HMAC-SHA256 of `<t>.<rawBody>`, hex. Use the raw bytes as received, before any JSON parsing: re-serialised JSON
 * differs. Several v1= values may come (the gateway rotating a secret); one matching is enough.
 */
export function verifySignature(secret, rawBody, header, now = Date.now()) {
  if (typeof header !== "string") return false;
  let timestamp = null;
  const candidates = [];
  for (const part of header.split(",")) {
    const [key, value] = part.split("=", 2).map((s) => s?.trim());
    if (key === "t" && /^\d{1,12}$/.test(value ?? "")) timestamp = Number(value);
    else if (key === "v1" && /^[0-9a-f]{64}$/.test(value ?? "")) candidates.push(value);
  }
  if (timestamp === null || candidates.length === 0) return false;
  if (Math.abs(Math.floor(now / 1000) - timestamp) > TOLERANCE_SECONDS) return false;
  const expected = createHmac("sha256", secret).update(`${timestamp}.${rawBody}`, "utf8").digest();
  // timingSafeEqual: the time taken must not tell an attacker how much of a forged signature was right.
  return candidates.some((candidate) => timingSafeEqual(expected, Buffer.from(candidate, "hex")));
}

/** What to do with one event: replace with your own (queue it, update your records). */
function handle(event) {
  console.log(`event ${event.id}: ${event.type} ${event.licenseId} (customer ${event.customerId}) is ${event.status}`);
}

/** Event ids handled lately. Keep them in your database in real life: retries can come minutes or hours apart. */
const seen = new Set();

export function createReceiver(secret) {
  return createServer((req, res) => {
    if (req.method !== "POST") return void res.writeHead(405).end();
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      if (!verifySignature(secret, rawBody, req.headers["x-license-gateway-signature"])) {
        return void res.writeHead(401).end();
      }
      let event;
      try {
        event = JSON.parse(rawBody);
      } catch {
        return void res.writeHead(400).end();
      }
      // A version this code was not written for: refused, so the gateway retries once you have updated it.
      if (event.version !== 1) return void res.writeHead(400).end();
      // The same id as X-License-Gateway-Event-Id: a repeat is acknowledged, not handled again.
      if (!seen.has(event.id)) {
        seen.add(event.id);
        if (seen.size > 10_000) seen.delete(seen.values().next().value);
        handle(event);
      }
      res.writeHead(204).end();
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const secret = process.env.WEBHOOK_SECRET;
  if (!secret) {
    console.error("set WEBHOOK_SECRET to the secret the gateway showed when the webhook was created");
    process.exit(1);
  }
  const server = createReceiver(secret);
  server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? "127.0.0.1", () => {
    const { address, port } = server.address();
    console.log(`listening on http://${address}:${port}/`);
  });
}
