// The actor network: a force-directed layout (Fruchterman-Reingold, deterministic start on
// a circle), edges as curved arrows sized by event count and coloured by mean Goldstein.

import { h, s, fmt } from "./dom.js";

const W = 600;
const H = 440;
const PAD = 40;

const GREY = [154, 154, 154];
const RED = [215, 25, 28];
const GREEN = [26, 150, 65];

/** Red for negative mean Goldstein scores, grey around 0, green for positive ones. */
export function goldsteinColor(g) {
  const v = Number(g) || 0;
  const t = Math.min(1, Math.abs(v) / 7);
  const to = v < 0 ? RED : GREEN;
  const c = GREY.map((a, i) => Math.round(a + (to[i] - a) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Node positions from a small force simulation (velocity Verlet with cooling, the scheme
 * of d3-force): links pull their ends to a set distance, every pair of nodes repels, a
 * weak pull to the centre keeps unconnected parts in view and nodes (with their labels)
 * do not overlap. It starts from a circle, so the same graph gives the same picture. */
export function layout(nodes, edges, radius = nodes.map(() => 6), ticks = 300) {
  const n = nodes.length;
  if (n === 0) return [];
  if (n === 1) return [{ x: W / 2, y: H / 2 }];
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  const p = nodes.map((_, i) => {
    const a = (2 * Math.PI * i) / n;
    const r = 10 * Math.sqrt(i + 0.5); // a spiral: no two nodes start in one place
    return { x: W / 2 + r * Math.cos(a * 2.4), y: H / 2 + r * Math.sin(a * 2.4), vx: 0, vy: 0 };
  });
  const degree = new Array(n).fill(0);
  const links = [];
  const seen = new Set();
  for (const e of edges) {
    const a = index.get(e.source);
    const b = index.get(e.target);
    if (a === undefined || b === undefined || a === b) continue;
    const key = a < b ? `${a} ${b}` : `${b} ${a}`;
    if (seen.has(key)) continue; // A -> B and B -> A: one spring
    seen.add(key);
    links.push([a, b]);
    degree[a] += 1;
    degree[b] += 1;
  }
  // room for the node and its label (about 6.5 px a character at 11 px)
  const room = nodes.map((node, i) => Math.max(radius[i] + 6, String(node.id).length * 3.4 + 4));
  let alpha = 1;
  const decay = 1 - Math.pow(0.001, 1 / ticks);
  for (let t = 0; t < ticks; t++) {
    for (const [a, b] of links) {
      const dx = p[b].x + p[b].vx - p[a].x - p[a].vx || 1e-6;
      const dy = p[b].y + p[b].vy - p[a].y - p[a].vy || 1e-6;
      const d = Math.sqrt(dx * dx + dy * dy);
      const want = 40 + room[a] + room[b];
      const k = ((d - want) / d) * alpha * (1 / Math.min(degree[a], degree[b]));
      const bias = degree[a] / (degree[a] + degree[b]);
      p[b].vx -= dx * k * bias;
      p[b].vy -= dy * k * bias;
      p[a].vx += dx * k * (1 - bias);
      p[a].vy += dy * k * (1 - bias);
    }
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = p[j].x - p[i].x || 1e-6;
        const dy = p[j].y - p[i].y || 1e-6;
        const d2 = Math.max(dx * dx + dy * dy, 1);
        if (d2 > 300 * 300) continue;
        const f = (-120 * alpha) / d2; // repulsion
        p[i].vx += dx * f;
        p[i].vy += dy * f;
        p[j].vx -= dx * f;
        p[j].vy -= dy * f;
      }
    }
    for (let i = 0; i < n; i++) {
      p[i].vx += (W / 2 - p[i].x) * 0.06 * alpha;
      p[i].vy += (H / 2 - p[i].y) * 0.09 * alpha;
      p[i].vx *= 0.6;
      p[i].vy *= 0.6;
      p[i].x += p[i].vx;
      p[i].y += p[i].vy;
    }
    // no overlaps: push apart what is closer than the room both need
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = p[j].x - p[i].x || 1e-3 * (j - i);
        const dy = p[j].y - p[i].y || 1e-3;
        const d = Math.sqrt(dx * dx + dy * dy);
        const min = room[i] + room[j];
        if (d < min) {
          const push = ((min - d) / d) * 0.5;
          p[i].x -= dx * push;
          p[i].y -= dy * push;
          p[j].x += dx * push;
          p[j].y += dy * push;
        }
      }
    }
    alpha -= alpha * decay;
  }
  // fit into the drawing with a margin for the labels, never enlarging more than 1.6 times
  const xs = p.map((q) => q.x);
  const ys = p.map((q) => q.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min(1.6, (W - 2 * PAD) / Math.max(1, x1 - x0), (H - 2 * PAD) / Math.max(1, y1 - y0));
  const ox = (W - (x1 - x0) * scale) / 2;
  const oy = (H - (y1 - y0) * scale) / 2;
  return p.map((q) => ({ x: ox + (q.x - x0) * scale, y: oy + (q.y - y0) * scale }));
}

function edgePath(a, b, ra, rb) {
  // a quadratic curve bent to the right of a -> b, so that b -> a takes the other side
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const d = Math.sqrt(dx * dx + dy * dy) || 1;
  const cx = (a.x + b.x) / 2 - (dy / d) * d * 0.15;
  const cy = (a.y + b.y) / 2 + (dx / d) * d * 0.15;
  // start and end on the circles, along the curve's tangents
  const sx = cx - a.x;
  const sy = cy - a.y;
  const sl = Math.sqrt(sx * sx + sy * sy) || 1;
  const ex = b.x - cx;
  const ey = b.y - cy;
  const el = Math.sqrt(ex * ex + ey * ey) || 1;
  const start = { x: a.x + (sx / sl) * ra, y: a.y + (sy / sl) * ra };
  const tip = { x: b.x - (ex / el) * (rb + 1), y: b.y - (ey / el) * (rb + 1) };
  return { start, control: { x: cx, y: cy }, tip, ux: ex / el, uy: ey / el };
}

/** Draw the /api/network graph into `svg`; `onSelect(code)` is called on a node click. */
export function drawNetwork(svg, net, onSelect) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const nodes = net.nodes || [];
  const edges = net.edges || [];
  if (!nodes.length) {
    svg.appendChild(s("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty" }, "No actors for these filters"));
    return;
  }
  const at = new Map(nodes.map((node, i) => [node.id, i]));
  const maxNode = Math.max(1, ...nodes.map((node) => node.events || 0));
  const radius = nodes.map((node) => 4 + 10 * Math.sqrt((node.events || 0) / maxNode));
  const pos = layout(nodes, edges, radius);
  const maxEdge = Math.max(1, ...edges.map((e) => e.events || 0));

  const edgeLayer = s("g", { class: "edges" });
  for (const e of edges) {
    const i = at.get(e.source);
    const j = at.get(e.target);
    if (i === undefined || j === undefined) continue;
    const color = goldsteinColor(e.goldstein);
    const width = 1 + 7 * Math.sqrt((e.events || 0) / maxEdge);
    const g = Number(e.goldstein || 0).toFixed(1);
    const title = s("title", {}, `${e.source} → ${e.target}: ${fmt(e.events)} events, mean Goldstein ${g}`);
    const attrs = {
      class: "edge",
      "data-testid": "network-edge",
      "data-source": e.source,
      "data-target": e.target,
      "data-events": e.events,
      "data-goldstein": g,
    };
    if (i === j) {
      // an actor acting on itself (domestic events): a loop above the node
      const p = pos[i];
      const r = radius[i];
      const d = `M ${p.x - r * 0.5} ${p.y - r * 0.8} C ${p.x - r * 2} ${p.y - r * 3.2} ${p.x + r * 2} ${p.y - r * 3.2} ${p.x + r * 0.5} ${p.y - r * 0.8}`;
      edgeLayer.appendChild(s("path", { ...attrs, d, stroke: color, "stroke-width": width.toFixed(2), fill: "none" }, title));
      continue;
    }
    const head = Math.max(5, width * 1.6);
    const c = edgePath(pos[i], pos[j], radius[i], radius[j] + head * 0.6);
    const line = `M ${c.start.x.toFixed(1)} ${c.start.y.toFixed(1)} Q ${c.control.x.toFixed(1)} ${c.control.y.toFixed(1)} ${c.tip.x.toFixed(1)} ${c.tip.y.toFixed(1)}`;
    const tipX = c.tip.x + c.ux * head * 0.9;
    const tipY = c.tip.y + c.uy * head * 0.9;
    const arrow = [
      [tipX, tipY],
      [c.tip.x - c.uy * head * 0.55, c.tip.y + c.ux * head * 0.55],
      [c.tip.x + c.uy * head * 0.55, c.tip.y - c.ux * head * 0.55],
    ]
      .map((p) => p.map((v) => v.toFixed(1)).join(","))
      .join(" ");
    edgeLayer.appendChild(
      s(
        "g",
        attrs,
        title,
        s("path", { d: line, stroke: color, "stroke-width": width.toFixed(2), fill: "none", "stroke-linecap": "round" }),
        s("polygon", { points: arrow, fill: color }),
      ),
    );
  }
  svg.appendChild(edgeLayer);

  const nodeLayer = s("g", { class: "nodes" });
  nodes.forEach((node, i) => {
    const p = pos[i];
    const label = node.id;
    const name = node.name && node.name !== node.id ? ` (${node.name})` : "";
    const g = s(
      "g",
      {
        class: "node",
        "data-testid": "network-node",
        "data-id": node.id,
        "data-events": node.events,
        transform: `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`,
        tabindex: 0,
        role: "button",
        "aria-label": `${label}${name}: ${node.events} events; show only this actor`,
      },
      s("title", {}, `${label}${name}: ${fmt(node.events)} events — click to filter by this actor`),
      s("circle", { r: radius[i].toFixed(1) }),
      s("text", { y: (radius[i] + 12).toFixed(1), "text-anchor": "middle", class: "label" }, label),
    );
    if (onSelect) {
      g.addEventListener("click", () => onSelect(node.id));
      g.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          onSelect(node.id);
        }
      });
    }
    nodeLayer.appendChild(g);
  });
  svg.appendChild(nodeLayer);
}

/** The colour key of the edges. */
export function legend() {
  return h(
    "div",
    { class: "gradient-legend", "aria-label": "edge colour: mean Goldstein score" },
    h("span", {}, "−10 conflict"),
    h("span", { class: "gradient goldstein", "aria-hidden": "true" }),
    h("span", {}, "+10 cooperation"),
    h("span", { class: "note" }, "width: events; arrow: source → target"),
  );
}
