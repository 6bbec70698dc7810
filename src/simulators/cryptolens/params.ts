import type { IncomingMessage } from "node:http";
import { readBody } from "../http-kit.js";

/** Cryptolens requests are a handful of short parameters; anything near this is a client bug. */
const BODY_LIMIT_BYTES = 64 * 1024;

/** A value that is present but cannot be read as the parameter's type; the caller answers "incorrect". */
export const INVALID = Symbol("invalid parameter");

/**
 * A request's parameters by lowercased name: documented, parameter names are case-insensitive and come
 * as a query string (GET) or an `application/x-www-form-urlencoded` body (POST, what the SDKs send).
 */
export class CryptolensParams {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  /** The raw value; an empty value counts as absent, as an unset form field does in ASP.NET binding. */
  string(name: string): string | undefined {
    const value = this.values.get(name.toLowerCase());
    return value === undefined || value === "" ? undefined : value;
  }

  /** A 32-bit integer (the SDKs' `int` fields), or INVALID. */
  int(name: string): number | undefined | typeof INVALID {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^[+-]?\d{1,10}$/.test(value.trim())) return INVALID;
    const n = Number(value.trim());
    return n >= -2_147_483_648 && n <= 2_147_483_647 ? n : INVALID;
  }

  /** `true`/`false` in any casing (Python's SDK sends "True"/"False"); absent means false (docs/vendors/documents/cryptolens.txt). */
  bool(name: string): boolean | typeof INVALID {
    const value = this.string(name)?.trim().toLowerCase();
    if (value === undefined) return false;
    if (value === "true") return true;
    if (value === "false") return false;
    return INVALID;
  }
}

/**
 * Merges the query string and, for a form-encoded POST, the body. On a name in both, the body wins (the
 * form value provider comes first in ASP.NET: simulator choice). Within one source the first occurrence
 * wins. A POST body of any other content type is read (to drain it) and ignored: the contract names only
 * form encoding, so e.g. a JSON body leaves its parameters missing.
 */
export async function readParams(req: IncomingMessage, url: URL): Promise<CryptolensParams> {
  const values = new Map<string, string>();
  const add = (source: URLSearchParams, override: boolean): void => {
    const seen = new Set<string>();
    for (const [name, value] of source) {
      const key = name.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      if (override || !values.has(key)) values.set(key, value);
    }
  };
  add(url.searchParams, false);
  if (req.method === "POST") {
    const body = await readBody(req, BODY_LIMIT_BYTES);
    if (/^application\/x-www-form-urlencoded\b/i.test(req.headers["content-type"] ?? "")) add(new URLSearchParams(body), true);
  }
  return new CryptolensParams(values);
}
