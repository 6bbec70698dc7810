import { readRequestText } from "../request-body.js";
import type { Step } from "./exchange.js";
import type { Refuse } from "./refuse.js";

/** A POST's body as text, at most `maxBodyBytes` (413 past it). Other methods carry none the gateway reads. */
export function readBody(maxBodyBytes: number, refuse: Refuse): Step {
  return (next) => async (x) => {
    if (x.req.method !== "POST") return next(x);
    const read = await readRequestText(x.req, maxBodyBytes);
    if (!read.ok) return refuse(x, read.error);
    x.text = read.text;
    return next(x);
  };
}
