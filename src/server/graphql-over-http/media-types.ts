/**
 * Media types of GraphQL over HTTP, chosen as Apollo Server 4 and 5 chose them (with the `negotiator` package),
 * so that a client sees the same Content-Type, and the same 406, as before the gateway had its own pipeline.
 */

export const JSON_TYPE = "application/json; charset=utf-8";
export const GRAPHQL_RESPONSE_TYPE = "application/graphql-response+json; charset=utf-8";
/** Apollo's subscription-callback variant of JSON: chosen only by an Accept range naming its parameter. */
const JSON_CALLBACK_TYPE = "application/json; callbackSpec=1.0; charset=utf-8";
const RESPONSE_TYPES = [JSON_TYPE, GRAPHQL_RESPONSE_TYPE, JSON_CALLBACK_TYPE];

/**
 * The Content-Type of an answer to `accept`: application/json without the header; null when the header accepts
 * none of the types (the caller answers 406).
 */
export function responseType(accept: string | undefined): string | null {
  if (!accept) return JSON_TYPE;
  // The usual headers, decided without parsing: each names exactly one candidate or accepts all of them alike.
  if (accept === "application/json" || accept === "*/*") return JSON_TYPE;
  if (accept === "application/graphql-response+json") return GRAPHQL_RESPONSE_TYPE;
  return preferredMediaType(accept, RESPONSE_TYPES);
}

interface Range {
  type: string;
  subtype: string;
  params: Record<string, string>;
  q: number;
  /** Its position in the header. */
  i: number;
}

interface Priority {
  /** The candidate's position among those offered. */
  i: number;
  /** The position of the range that matched it best. */
  o: number;
  q: number;
  /** Specificity: 4 type, 2 subtype, 1 parameters. */
  s: number;
}

/**
 * negotiator 1.1's `mediaType(provided)`: the candidate the Accept header prefers (by q, then how specifically a
 * range names it, then the earlier range, then the earlier candidate), or null if it accepts none.
 */
export function preferredMediaType(accept: string, provided: readonly string[]): string | null {
  const ranges = parseAccept(accept);
  let best: Priority | undefined;
  provided.forEach((candidate, index) => {
    const priority = priorityOf(parseRange(candidate, 0), ranges, index);
    if (priority === undefined || !(priority.q > 0)) return;
    if (best === undefined || compareSpecs(priority, best) < 0) best = priority;
  });
  return best === undefined ? null : provided[best.i]!;
}

function compareSpecs(a: Priority, b: Priority): number {
  return b.q - a.q || b.s - a.s || a.o - b.o || a.i - b.i || 0;
}

function priorityOf(candidate: Range | undefined, ranges: readonly Range[], index: number): Priority | undefined {
  let priority: Priority = { i: index, o: -1, q: 0, s: 0 };
  if (candidate === undefined) return priority;
  for (const range of ranges) {
    const spec = specify(candidate, range, index);
    if (spec && (priority.s - spec.s || priority.q - spec.q || priority.o - spec.o) < 0) priority = spec;
  }
  return priority;
}

function specify(candidate: Range, range: Range, index: number): Priority | undefined {
  let s = 0;
  if (range.type.toLowerCase() === candidate.type.toLowerCase()) s |= 4;
  else if (range.type !== "*") return undefined;
  if (range.subtype.toLowerCase() === candidate.subtype.toLowerCase()) s |= 2;
  else if (range.subtype !== "*") return undefined;
  const keys = Object.keys(range.params);
  if (keys.length > 0) {
    if (keys.every((k) => range.params[k] === "*" || (range.params[k] ?? "").toLowerCase() === (candidate.params[k] ?? "").toLowerCase()))
      s |= 1;
    else return undefined;
  }
  return { i: index, o: range.i, q: range.q, s };
}

/** The ranges of an Accept header, as negotiator reads them (content-type 2.1's lenient parser, comma-separated). */
function parseAccept(header: string): Range[] {
  const ranges: Range[] = [];
  let index = 0;
  for (let i = 0; index < header.length; i++) {
    const parsed = parseMediaType(header, skipWhitespace(header, index), true);
    const range = rangeOf(parsed.typeText, parsed.parameters, i);
    if (range) ranges.push(range);
    index = parsed.end + 1;
  }
  return ranges;
}

function parseRange(text: string, i: number): Range | undefined {
  const parsed = parseMediaType(text, 0, false);
  return rangeOf(parsed.type, parsed.parameters, i);
}

function rangeOf(type: string, parameters: Record<string, string>, i: number): Range | undefined {
  const slash = type.indexOf("/");
  if (slash === -1) return undefined;
  // Without a prototype, as negotiator's: a parameter named `constructor` is not Object's.
  const params: Record<string, string> = Object.assign(Object.create(null), parameters);
  const q = params.q ? Number.parseFloat(params.q) : 1;
  delete params.q;
  return { type: type.slice(0, slash), subtype: type.slice(slash + 1), params, q, i };
}

const SP = 32;
const HTAB = 9;
const SEMI = 59;
const EQ = 61;
const DQUOTE = 34;
const BSLASH = 92;
const COMMA = 44;
const NO_STOP = 65_536;

/**
 * content-type 2.1's `parse(header, { comma, start })`: the type (lower-cased; `typeText` keeps the header's own
 * casing, as negotiator does for Accept), its parameters (first of each name wins), and where it ended.
 */
function parseMediaType(
  header: string,
  start: number,
  comma: boolean,
): { type: string; typeText: string; parameters: Record<string, string>; end: number } {
  const stop = comma ? COMMA : NO_STOP;
  const len = header.length;
  let index = skipWhitespace(header, start);
  const valueStart = index;
  index = skipValue(header, index, len, stop);
  const typeText = header.slice(valueStart, trailingWhitespace(header, valueStart, index));
  const parameters: Record<string, string> = Object.create(null);
  parameter: while (index < len) {
    if (header.charCodeAt(index) === stop) break;
    index = skipWhitespace(header, index + 1);
    const keyStart = index;
    while (index < len) {
      const code = header.charCodeAt(index);
      if (code === stop) break parameter;
      if (code === SEMI) continue parameter;
      if (code === EQ) {
        const key = header.slice(keyStart, trailingWhitespace(header, keyStart, index)).toLowerCase();
        index = skipWhitespace(header, index + 1);
        if (index < len && header.charCodeAt(index) === DQUOTE) {
          index++;
          let value = "";
          while (index < len) {
            const c = header.charCodeAt(index++);
            if (c === DQUOTE) {
              index = skipValue(header, index, len, stop);
              if (parameters[key] === undefined) parameters[key] = value;
              break;
            }
            if (c === BSLASH && index < len) {
              value += header[index++];
              continue;
            }
            value += String.fromCharCode(c);
          }
          continue parameter;
        }
        const valueStart2 = index;
        index = skipValue(header, index, len, stop);
        if (parameters[key] === undefined) parameters[key] = header.slice(valueStart2, trailingWhitespace(header, valueStart2, index));
        continue parameter;
      }
      index++;
    }
  }
  return { type: typeText.toLowerCase(), typeText, parameters, end: index };
}

function skipValue(text: string, index: number, len: number, stop: number): number {
  while (index < len) {
    const code = text.charCodeAt(index);
    if (code === SEMI || code === stop) break;
    index++;
  }
  return index;
}

function skipWhitespace(text: string, index: number): number {
  while (index < text.length && (text.charCodeAt(index) === SP || text.charCodeAt(index) === HTAB)) index++;
  return index;
}

function trailingWhitespace(text: string, start: number, end: number): number {
  while (end > start && (text.charCodeAt(end - 1) === SP || text.charCodeAt(end - 1) === HTAB)) end--;
  return end;
}

const TOKEN = /^[-!#$%&'*+.^_`|~A-Za-z0-9]+$/;
const HTTP_WHITESPACE_START = /^[ \t\n\r]+/;
const HTTP_WHITESPACE_END = /[ \t\n\r]+$/;

/**
 * `type/subtype` of a Content-Type, lower-cased, as the WHATWG MIME Sniffing standard parses it (what Apollo's
 * checks used, through whatwg-mimetype), or null when it is not a valid MIME type. Parameters never make it invalid.
 */
export function mimeEssence(value: string): string | null {
  const input = value.replace(HTTP_WHITESPACE_START, "").replace(HTTP_WHITESPACE_END, "");
  const slash = input.indexOf("/");
  if (slash === -1) return null;
  const type = input.slice(0, slash);
  const semicolon = input.indexOf(";", slash + 1);
  const subtype = input.slice(slash + 1, semicolon === -1 ? undefined : semicolon).replace(HTTP_WHITESPACE_END, "");
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return null;
  return `${type}/${subtype}`.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
