import { VARIANTS } from "./references/gateway-variants.js";
import { HIVE_VARIANTS } from "./references/hive-variants.js";
import type { BenchResults, TargetId } from "./results.js";
import { SCENARIOS, type ScenarioId } from "./scenarios.js";

/**
 * latency.svg: one panel per scenario, p50 (solid) and p99 (dashed) latency against concurrent clients for each
 * gateway, Hive Gateway and the bare server, with the critical path as a dotted line. The latency axis is logarithmic: the
 * bare server answers in about a millisecond, the no-batching gateway can take seconds.
 */

const SERIES: Array<{ target: TargetId; label: string; color: string }> = [
  { target: "cached", label: VARIANTS.cached.label, color: "#1f77b4" },
  { target: "uncached", label: VARIANTS.uncached.label, color: "#ff7f0e" },
  { target: "unbatched", label: VARIANTS.unbatched.label, color: "#d62728" },
  { target: "hive", label: HIVE_VARIANTS.hive.label, color: "#9467bd" },
  { target: "hiveCached", label: HIVE_VARIANTS.hiveCached.label, color: "#8c564b" },
  { target: "bare", label: "bare node:http", color: "#7f7f7f" },
];
const CRITICAL_COLOR = "#2ca02c";

const PANEL = { width: 380, height: 260, left: 52, right: 12, top: 28, bottom: 40 };
const COLUMNS = 3;
const LEGEND_HEIGHT = 56;
/** The axis starts here: autocannon reports whole milliseconds, so 0 means "under 1 ms" (and cannot go on a log axis). */
const FLOOR_MS = 1;

export function latencyChart(r: BenchResults): string {
  const scenarios = r.options.scenarios;
  const rows = Math.max(1, Math.ceil(scenarios.length / COLUMNS));
  const width = PANEL.width * Math.min(COLUMNS, Math.max(1, scenarios.length));
  const height = LEGEND_HEIGHT + rows * PANEL.height;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="16" font-size="13" font-weight="bold">Latency against concurrent clients (${r.options.latencyMs} ms per upstream call; commit ${esc(r.commit)})</text>`,
    legend(),
    ...scenarios.map((id, i) => panel(r, id, (i % COLUMNS) * PANEL.width, LEGEND_HEIGHT + Math.floor(i / COLUMNS) * PANEL.height)),
    "</svg>",
  ];
  return `${parts.join("\n")}\n`;
}

function legend(): string {
  const items = SERIES.map((s, i) => {
    const x = 8 + i * 120;
    return `<line x1="${x}" y1="34" x2="${x + 24}" y2="34" stroke="${s.color}" stroke-width="2"/><text x="${x + 30}" y="38">${esc(s.label)}</text>`;
  });
  const y = 50;
  items.push(
    `<line x1="8" y1="${y}" x2="32" y2="${y}" stroke="#333" stroke-width="2"/><text x="38" y="${y + 4}">p50</text>`,
    `<line x1="80" y1="${y}" x2="104" y2="${y}" stroke="#333" stroke-width="1.5" stroke-dasharray="5,3"/><text x="110" y="${y + 4}">p99</text>`,
    `<line x1="158" y1="${y}" x2="182" y2="${y}" stroke="${CRITICAL_COLOR}" stroke-width="1.5" stroke-dasharray="1,3"/><text x="188" y="${y + 4}">critical path (upstream latency on the longest chain)</text>`,
    `<circle cx="500" cy="${y}" r="3.5" fill="white" stroke="#333"/><text x="508" y="${y + 4}">fewer than two answers per client (not a steady state); no point: no answer at all</text>`,
  );
  return items.join("\n");
}

function panel(r: BenchResults, id: ScenarioId, x0: number, y0: number): string {
  const points = r.measurements.filter((m) => m.scenario === id);
  const critical = r.scenarios[id]?.isolated.uncached?.criticalPathMs;
  const levels = r.options.concurrency;
  const values = [...points.flatMap((m) => [m.load.latencyMs.p50, m.load.latencyMs.p99]), ...(critical ? [critical] : [])].map((v) =>
    Math.max(v, FLOOR_MS),
  );
  const lo = 0;
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(10, ...values))));
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const px = (c: number) => x0 + PANEL.left + (levels.length === 1 ? plotW / 2 : (levels.indexOf(c) / (levels.length - 1)) * plotW);
  const py = (ms: number) => y0 + PANEL.top + plotH - ((Math.log10(Math.max(ms, FLOOR_MS)) - lo) / (hi - lo)) * plotH;

  const out = [`<text x="${x0 + PANEL.left}" y="${y0 + 16}" font-weight="bold">${esc(SCENARIOS[id].title)}</text>`];
  out.push(`<rect x="${x0 + PANEL.left}" y="${y0 + PANEL.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
  for (let e = lo; e <= hi; e++) {
    const y = py(10 ** e);
    out.push(`<line x1="${x0 + PANEL.left}" y1="${y}" x2="${x0 + PANEL.left + plotW}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${x0 + PANEL.left - 4}" y="${y + 4}" text-anchor="end">${e === lo ? "&#8804;1" : 10 ** e}</text>`);
  }
  out.push(`<text transform="translate(${x0 + 12},${y0 + PANEL.top + plotH / 2}) rotate(-90)" text-anchor="middle">ms</text>`);
  for (const c of levels) out.push(`<text x="${px(c)}" y="${y0 + PANEL.top + plotH + 14}" text-anchor="middle">${c}</text>`);
  out.push(`<text x="${x0 + PANEL.left + plotW / 2}" y="${y0 + PANEL.top + plotH + 30}" text-anchor="middle">concurrent clients</text>`);
  if (critical) {
    const y = py(critical);
    out.push(
      `<line x1="${x0 + PANEL.left}" y1="${y}" x2="${x0 + PANEL.left + plotW}" y2="${y}" stroke="${CRITICAL_COLOR}" stroke-width="1.5" stroke-dasharray="1,3"/>`,
    );
  }
  for (const s of SERIES) {
    // A measurement without a single answer has no latency to draw.
    const series = points.filter((m) => m.target === s.target && m.load.requests > 0).sort((a, b) => a.concurrency - b.concurrency);
    if (series.length === 0) continue;
    for (const [pick, dash] of [
      [(m: (typeof series)[number]) => m.load.latencyMs.p50, ""],
      [(m: (typeof series)[number]) => m.load.latencyMs.p99, ` stroke-dasharray="5,3"`],
    ] as const) {
      const path = series.map((m) => `${px(m.concurrency).toFixed(1)},${py(pick(m)).toFixed(1)}`).join(" ");
      out.push(`<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="${dash ? 1.5 : 2}"${dash}/>`);
      if (dash) continue;
      for (const m of series) {
        // Hollow: not a steady state (fewer than two answers per client), see Measurement.steady.
        const fill = m.steady ? `fill="${s.color}"` : `fill="white" stroke="${s.color}"`;
        out.push(`<circle cx="${px(m.concurrency).toFixed(1)}" cy="${py(pick(m)).toFixed(1)}" r="${m.steady ? 2.5 : 3.5}" ${fill}/>`);
      }
    }
  }
  return out.join("\n");
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
