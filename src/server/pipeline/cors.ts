import type { CorsConfig } from "../../config/schema.js";
import { corsStep } from "../cors.js";
import type { Step } from "./exchange.js";
import type { Refuse } from "./refuse.js";

/** CORS (../cors.ts): a preflight is answered here; an origin refused, refused; otherwise the CORS headers are set. */
export function cors(config: CorsConfig | undefined, refuse: Refuse): Step {
  const check = corsStep(config ?? { origins: [], maxAgeSeconds: 0 });
  return (next) => async (x) => {
    const crossOrigin = await check(x.req, x.res);
    if (crossOrigin === "preflight answered") return;
    if (crossOrigin) return refuse(x, crossOrigin);
    return next(x);
  };
}
