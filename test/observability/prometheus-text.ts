/**
 * A small parser of Prometheus' text exposition format (version 0.0.4), enough to read what the gateway serves:
 * `# HELP` and `# TYPE` lines, and samples `name{label="value",...} value`, label values with \\, \" and \n escapes.
 * Written for the tests, so an assertion reads the metrics as a scraper would rather than trusting prom-client.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  samples: Sample[];
  /** Metric family name → its TYPE (counter, gauge, histogram...). */
  types: Map<string, string>;
  /** Samples named `name` whose labels include every label of `labels`. */
  find(name: string, labels?: Record<string, string>): Sample[];
  /** The one sample named `name` with exactly these labels (besides none), or undefined. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** The sum of `find(name, labels)`. */
  sum(name: string, labels?: Record<string, string>): number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;

export function parsePrometheusText(text: string): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      else if (!/^# HELP \S+ /.test(line)) throw new Error(`line ${index + 1}: unexpected comment ${JSON.stringify(line)}`);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`line ${index + 1}: not a sample: ${JSON.stringify(line)}`);
    samples.push({ name: match[1]!, labels: parseLabels(match[2] ?? "", index + 1), value: parseValue(match[3]!) });
  }
  const matches = (sample: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => sample.labels[k] === v);
  const find = (name: string, labels: Record<string, string> = {}) => samples.filter((s) => s.name === name && matches(s, labels));
  return {
    samples,
    types,
    find,
    value(name, labels = {}) {
      const exact = find(name, labels).filter((s) => Object.keys(s.labels).length === Object.keys(labels).length);
      if (exact.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${exact.length} samples`);
      return exact[0]?.value;
    },
    sum: (name, labels = {}) => find(name, labels).reduce((total, s) => total + s.value, 0),
  };
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const name = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(text.slice(i));
    if (!name) throw new Error(`line ${line}: bad label at ${JSON.stringify(text.slice(i))}`);
    i += name[0].length;
    let value = "";
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`line ${line}: unterminated label value`);
      i++;
      if (c === '"') break;
      if (c === "\\") {
        const escaped = text[i++];
        value += escaped === "n" ? "\n" : escaped;
      } else value += c;
    }
    labels[name[1]!] = value;
    if (text[i] === ",") i++;
  }
  return labels;
}

/** Go's ParseFloat, as Prometheus reads values: "NaN" and "Inf" in any case (prom-client writes "Nan"). */
function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === "+inf" || lower === "inf") return Infinity;
  if (lower === "-inf") return -Infinity;
  if (lower === "nan") return NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`not a sample value: ${text}`);
  return value;
}
