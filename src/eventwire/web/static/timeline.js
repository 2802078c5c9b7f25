// The timeline: events per day, week or month as bars stacked by quad class, in SVG.

import { h, s, fmt } from "./dom.js";

export const QUADS = [
  { quad: 1, name: "verbal cooperation", color: "#74add1" },
  { quad: 2, name: "material cooperation", color: "#2c7bb6" },
  { quad: 3, name: "verbal conflict", color: "#fdae61" },
  { quad: 4, name: "material conflict", color: "#d7191c" },
];

const DAY = 86400000;
const W = 960;
const H = 230;
const M = { top: 10, right: 12, bottom: 26, left: 44 };

/** Days since 1970-01-01 of an ISO date (UTC). */
export function dayNumber(iso) {
  const [y, m, d] = String(iso).slice(0, 10).split("-").map(Number);
  return Date.UTC(y, (m || 1) - 1, d || 1) / DAY;
}

export function isoDay(n) {
  return new Date(n * DAY).toISOString().slice(0, 10);
}

/** First day after the period that starts on `start` (a day number). */
function periodEnd(start, by) {
  if (by === "day") return start + 1;
  if (by === "week") return start + 7;
  const d = new Date(start * DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY;
}

/** About `count` round steps (1, 2, 5 x 10^k) from 0 to max. */
function niceTicks(max, count = 4) {
  if (max <= 0) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((st) => st >= raw) || mag * 10;
  const ticks = [];
  for (let v = 0; v <= max + 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

/** Date ticks: the first days of months, every 1, 3, 6, 12, 24, 60 or 120 months, the
 * smallest step that gives at most ten; days for ranges under two months. */
function dateTicks(lo, hi) {
  const ticks = [];
  if (hi - lo < 60) {
    const step = Math.max(1, Math.ceil((hi - lo) / 8));
    for (let n = Math.ceil(lo); n <= hi; n += step) ticks.push({ day: n, label: isoDay(n) });
    return ticks;
  }
  const months = (hi - lo) / 30.44;
  const step = [1, 3, 6, 12, 24, 60, 120].find((m) => months / m <= 10) || 240;
  const first = new Date(lo * DAY);
  // the first month at or after lo that is a multiple of the step (counted from year 0)
  let index = first.getUTCFullYear() * 12 + first.getUTCMonth() + (first.getUTCDate() > 1 ? 1 : 0);
  index = Math.ceil(index / step) * step;
  for (;; index += step) {
    const n = Date.UTC(Math.floor(index / 12), index % 12, 1) / DAY;
    if (n > hi) break;
    const iso = isoDay(n);
    ticks.push({ day: n, label: step >= 12 ? iso.slice(0, 4) : iso.slice(0, 7) });
  }
  return ticks;
}

/** Draw the stacked bars for the /api/stats series into `svg`. `onSelect(since, until)` is
 * called when a bar is clicked, with the period's first and last day. */
export function drawTimeline(svg, stats, onSelect) {
  const by = stats.by || "week";
  const periods = new Map();
  for (const row of stats.series || []) {
    const start = dayNumber(row.period);
    let p = periods.get(start);
    if (!p) {
      p = { start, end: periodEnd(start, by), period: row.period, counts: { 1: 0, 2: 0, 3: 0, 4: 0 } };
      periods.set(start, p);
    }
    if (p.counts[row.quad_class] !== undefined) p.counts[row.quad_class] += row.events;
  }
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.dataset.by = by;
  const list = [...periods.values()].sort((a, b) => a.start - b.start);
  if (!list.length) {
    svg.appendChild(s("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty" }, "No events for these filters"));
    return;
  }
  const lo = list[0].start;
  const hi = list[list.length - 1].end;
  const max = Math.max(...list.map((p) => p.counts[1] + p.counts[2] + p.counts[3] + p.counts[4]));
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (day) => M.left + ((day - lo) / Math.max(1, hi - lo)) * plotW;
  const y = (v) => M.top + plotH - (v / max) * plotH;

  const axes = s("g", { class: "axis" });
  for (const t of niceTicks(max)) {
    axes.appendChild(s("line", { x1: M.left, x2: W - M.right, y1: y(t), y2: y(t), class: "grid" }));
    axes.appendChild(s("text", { x: M.left - 6, y: y(t) + 4, "text-anchor": "end" }, fmt(t)));
  }
  for (const t of dateTicks(lo, hi)) {
    axes.appendChild(s("line", { x1: x(t.day), x2: x(t.day), y1: M.top + plotH, y2: M.top + plotH + 4 }));
    axes.appendChild(s("text", { x: x(t.day), y: H - 8, "text-anchor": "middle" }, t.label));
  }
  axes.appendChild(s("line", { x1: M.left, x2: W - M.right, y1: M.top + plotH, y2: M.top + plotH, class: "baseline" }));
  svg.appendChild(axes);

  const bars = s("g", { class: "bars" });
  for (const p of list) {
    const x0 = x(p.start);
    const full = x(p.end) - x0;
    const width = Math.max(1, full > 4 ? full - 1 : full);
    let acc = 0;
    const total = p.counts[1] + p.counts[2] + p.counts[3] + p.counts[4];
    for (const q of QUADS) {
      const n = p.counts[q.quad];
      if (!n) continue;
      const rect = s(
        "rect",
        {
          x: x0.toFixed(2),
          y: y(acc + n).toFixed(2),
          width: width.toFixed(2),
          height: Math.max(0.5, y(acc) - y(acc + n)).toFixed(2),
          fill: q.color,
          class: "bar",
          "data-testid": "timeline-bar",
          "data-period": p.period,
          "data-quad": q.quad,
          "data-events": n,
        },
        s("title", {}, `${by} of ${p.period}: ${fmt(n)} ${q.name} (${fmt(total)} in all)`),
      );
      if (onSelect) rect.addEventListener("click", () => onSelect(p.period, isoDay(p.end - 1)));
      bars.appendChild(rect);
      acc += n;
    }
  }
  svg.appendChild(bars);
}

/** The legend: one swatch per quad class. */
export function legend() {
  return h(
    "ul",
    { class: "legend", "aria-label": "quad classes" },
    QUADS.map((q) =>
      h("li", {}, h("span", { class: `swatch q${q.quad}`, "aria-hidden": "true" }), `${q.quad} ${q.name}`),
    ),
  );
}
