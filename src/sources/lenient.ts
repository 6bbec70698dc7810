import { z } from "zod";

/**
 * Decoders for the vendor fields that only describe (names, quantities, descriptions) or whose type the vendor does
 * not document. A vendor answer is decoded strictly where it identifies or decides (ids, keys, dates, statuses):
 * a wrong type there fails the answer. One odd descriptive value must not cost a whole list, so these fields take
 * what they expect, and otherwise numeric text as a number, a number or boolean as its text, or else null; every
 * such fallback is drift, which `decode` gathers so the caller can count and log it (vendor-body.ts).
 *
 * Each decoder is built with the vendor's field name: the name is the drift's label, so it comes from the code,
 * never from a body. The fields drifted in one `decode` are gathered in module state: zod parses synchronously,
 * so no other decode can run in between.
 */

/** One field's drift in one decoded answer. */
export interface Drift {
  field: string;
  /** The JSON type that came, for the log ("string", "object"); never the value, which may be personal data. */
  got: string;
  count: number;
}

let drifting: Map<string, Drift> | undefined;

function drifted(field: string, value: unknown): void {
  if (drifting === undefined) return;
  const seen = drifting.get(field);
  if (seen) seen.count += 1;
  else drifting.set(field, { field, got: jsonType(value), count: 1 });
}

function jsonType(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

const NUMERIC = /^[+-]?\d+(?:\.\d+)?$/;

/**
 * A descriptive number: what `expected` accepts (default any number), else numeric text as a number, else null;
 * absent and null stay so. A value `expected` refuses is drift, even when it could be read (an integer field given
 * "7" or 7.5: the latter is null, since the GraphQL field is an Int).
 */
export function lenientNumber(field: string, expected: z.ZodType<number> = z.number()) {
  return z
    .unknown()
    .transform((value): number | null | undefined => {
      if (value === undefined || value === null) return value;
      const ok = expected.safeParse(value);
      if (ok.success) return ok.data;
      drifted(field, value);
      if (typeof value !== "string" || !NUMERIC.test(value.trim())) return null;
      const read = expected.safeParse(Number(value.trim()));
      return read.success ? read.data : null;
    })
    .optional();
}

/**
 * A descriptive text: what `expected` accepts (default a string), else a number or boolean as its text, anything
 * else null; absent and null stay so.
 */
export function lenientText(field: string, expected: z.ZodType<string> = z.string()) {
  return z
    .unknown()
    .transform((value): string | null | undefined => {
      if (value === undefined || value === null) return value;
      const ok = expected.safeParse(value);
      if (ok.success) return ok.data;
      drifted(field, value);
      return typeof value === "number" || typeof value === "boolean" ? String(value) : null;
    })
    .optional();
}

/** `schema.safeParse(value)` and the drift of its lenient fields (none when the parse failed: nothing is read). */
export function decode<T>(schema: z.ZodType<T>, value: unknown): { result: z.ZodSafeParseResult<T>; drift: Drift[] } {
  const outer = drifting;
  drifting = new Map();
  try {
    const result = schema.safeParse(value);
    if (result.success) return { result, drift: [...drifting.values()] };
    // Parsed again to learn what was refused: reportInput keeps the value in the issue, for the log only
    // (vendor-body.ts never shows it a client). Not on the first parse: with it, parsing Eniris' license list
    // (three licenses) took ~8.6 µs instead of ~6.6 µs, and most answers are good. The decoders are pure, so the
    // second parse refuses the same thing.
    return { result: schema.safeParse(value, { reportInput: true }), drift: [] };
  } finally {
    drifting = outer;
  }
}
