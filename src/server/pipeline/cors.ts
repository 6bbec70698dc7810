import type { CorsConfig } from "../../config/schema.js";
import { corsStep, type CorsOutcome } from "../cors.js";
import type { Exchange, Step } from "./exchange.js";
import type { Refuse } from "./refuse.js";

/** CORS (../cors.ts): a preflight is answered here; an origin refused, refused; otherwise the CORS headers are set. */
export function cors(config: CorsConfig | undefined, refuse: Refuse): Step {
  const check = corsStep(config ?? { origins: [], maxAgeSeconds: 0 });
  return (next) => {
    const then = (x: Exchange, crossOrigin: CorsOutcome) => {
      if (crossOrigin === "preflight answered") return;
      if (crossOrigin) return refuse(x, crossOrigin);
      return next(x);
    };
    return (x) => {
      const crossOrigin = check(x.req, x.res);
      return crossOrigin instanceof Promise ? crossOrigin.then((outcome) => then(x, outcome)) : then(x, crossOrigin);
    };
  };
}
