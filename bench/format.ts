/** Numbers for people: three significant digits at most, no exponent. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100 || Number.isInteger(n)) return Math.round(n).toString();
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Aligned columns for a terminal; the first row is the header. */
export function textTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** A GitHub Markdown table; the first row is the header, and columns after the first are right-aligned. */
export function markdownTable(rows: string[][]): string {
  const esc = (cell: string) => cell.replace(/[|*]/g, (c) => `\\${c}`);
  const line = (r: string[]) => `| ${r.map(esc).join(" | ")} |`;
  return [line(rows[0]!), `|${rows[0]!.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`, ...rows.slice(1).map(line)].join("\n");
}
