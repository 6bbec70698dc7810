/**
 * The origins `server.cors.origins` may list, and what each one lets in. Two forms only:
 * - an exact origin, written as a browser sends it in `Origin`: `https://app.example.com`, `http://localhost:5173`
 *   (scheme http or https, lowercase host, a port only when it is not the scheme's default, no path or slash);
 * - `scheme://host:*`: that scheme and host on any port, for local development servers, whose port changes.
 * No other wildcard: `*` would let every site on the web call the gateway with a user's key, and `*.example.com`
 * every subdomain, including ones a third party hosts. `null`, the origin of sandboxed frames and local files, is
 * refused for the same reason: any page can make itself one.
 */

const ANY_PORT = ":*";

/** Why `pattern` is not an origin pattern, or undefined when it is one. Never quotes the value (config convention). */
export function originPatternProblem(pattern: string): string | undefined {
  if (pattern === "null") return "the null origin (sandboxed frames, local files) cannot be allowed: any page can make itself one";
  const base = pattern.endsWith(ANY_PORT) ? pattern.slice(0, -ANY_PORT.length) : pattern;
  if (base.includes("*")) {
    return "only exact origins (https://app.example.com) and scheme://host:* (any port on that host) are accepted; list every other origin exactly";
  }
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return "not an origin: write scheme://host or scheme://host:port, e.g. https://app.example.com";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "an origin's scheme is http or https";
  if (base !== pattern && url.port !== "") return "scheme://host:* stands for every port: write no port before the *";
  // What a browser sends is the serialized origin; any other spelling would never match.
  if (url.origin !== base) {
    return "write the origin as a browser sends it: lowercase scheme and host, a port only when not the default one, no path, no trailing slash";
  }
  return undefined;
}

/** Whether a request's `Origin` is one of `patterns` (each valid, see originPatternProblem). */
export function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.endsWith(ANY_PORT)));
  const anyPort = patterns.filter((p) => p.endsWith(ANY_PORT)).map((p) => p.slice(0, -ANY_PORT.length));
  return (origin) => {
    if (exact.has(origin)) return true;
    // The host must end where the pattern's does: http://localhost:* is not http://localhost.evil.example.
    return anyPort.some((base) => origin === base || (origin.startsWith(`${base}:`) && /^\d{1,5}$/.test(origin.slice(base.length + 1))));
  };
}
