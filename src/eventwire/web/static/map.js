// The world map: an equirectangular projection, country outlines from world-atlas
// (vendored at build time; see docs/dashboard.md) filled by event count, a graticule,
// and event places as circles sized by count. Without the atlas file the graticule and
// the places are still drawn.

import { h, s, fmt } from "./dom.js";
import { features } from "./topojson.js";

const W = 960;
const LAT_MAX = 84;
const LAT_MIN = -58; // Antarctica left out: nothing is coded there
const H = Math.round((W * (LAT_MAX - LAT_MIN)) / 360);

/** [lon, lat] -> [x, y] in the drawing. */
export function project(lon, lat) {
  return [((lon + 180) / 360) * W, ((LAT_MAX - lat) / (LAT_MAX - LAT_MIN)) * H];
}

/** A ring as path data. A ring that crosses the antimeridian (Russia's Chukotka, Fiji) is
 * made continuous (longitudes past 180 allowed) and drawn twice, once a world to the left
 * or right, so that each part shows at its edge of the map instead of a line across it. */
function ringPath(ring) {
  const lons = [];
  let shift = 0;
  ring.forEach((p, i) => {
    if (i) {
      const jump = p[0] + shift - lons[i - 1];
      if (jump > 180) shift -= 360;
      else if (jump < -180) shift += 360;
    }
    lons.push(p[0] + shift);
  });
  const path = (offset) =>
    ring
      .map((p, i) => {
        const [x, y] = project(lons[i] + offset, p[1]);
        return `${i ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`;
      })
      .join("") + "Z";
  const lo = Math.min(...lons);
  const hi = Math.max(...lons);
  let d = path(0);
  if (hi > 180) d += path(-360);
  if (lo < -180) d += path(360);
  return d;
}

function geometryPath(g) {
  const polygons = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
  return polygons.map((poly) => poly.map(ringPath).join("")).join("");
}

let assets = null;

/** The atlas features with their ISO3 codes, once; null when the atlas is not installed. */
function loadAssets() {
  if (!assets) {
    const atlasUrl = new URL("vendor/world-atlas/countries-110m.json", import.meta.url);
    const codesUrl = new URL("iso-numeric.json", import.meta.url);
    const get = (url) => fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null);
    assets = Promise.all([get(atlasUrl), get(codesUrl)]).then(([topology, codes]) => {
      if (!topology) return null;
      const numeric = (codes && codes.numeric) || {};
      const byName = (codes && codes.names) || {};
      return features(topology, "countries").map((f) => ({
        name: f.properties.name || "",
        iso3: numeric[String(f.id ?? "").padStart(3, "0")] || byName[f.properties.name] || "",
        path: geometryPath(f.geometry),
      }));
    });
  }
  return assets;
}

/** Light to dark blue by the logarithm of the count. */
function fillFor(n, max) {
  if (!n) return "#eceff1";
  const t = Math.log1p(n) / Math.log1p(max);
  const from = [198, 219, 239];
  const to = [8, 48, 107];
  const c = from.map((a, i) => Math.round(a + (to[i] - a) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

function graticule() {
  const g = s("g", { class: "graticule" });
  for (let lon = -180; lon <= 180; lon += 30) {
    const [x0, y0] = project(lon, LAT_MAX);
    const [x1, y1] = project(lon, LAT_MIN);
    g.appendChild(s("line", { x1: x0, y1: y0, x2: x1, y2: y1 }));
  }
  for (let lat = -30; lat <= 60; lat += 30) {
    const [x0, y0] = project(-180, lat);
    const [x1, y1] = project(180, lat);
    g.appendChild(s("line", { x1: x0, y1: y0, x2: x1, y2: y1, class: lat === 0 ? "equator" : null }));
  }
  return g;
}

/** Draw the /api/map answer into `svg`; resolves to whether the country outlines were drawn. */
export async function drawMap(svg, data) {
  const countries = await loadAssets();
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.appendChild(s("rect", { x: 0, y: 0, width: W, height: H, class: "sea" }));
  svg.appendChild(graticule());

  const counts = new Map((data.countries || []).map((c) => [c.country, c.events]));
  if (countries) {
    const max = Math.max(1, ...counts.values());
    const layer = s("g", { class: "countries" });
    for (const c of countries) {
      const n = counts.get(c.iso3) || 0;
      const label = `${c.name}${c.iso3 ? ` (${c.iso3})` : ""}: ${fmt(n)} event${n === 1 ? "" : "s"}`;
      layer.appendChild(
        s(
          "path",
          {
            d: c.path,
            fill: fillFor(n, max),
            class: n ? "country has-events" : "country",
            "data-testid": "map-country",
            "data-iso3": c.iso3,
            "data-events": n,
          },
          s("title", {}, label),
        ),
      );
    }
    svg.appendChild(layer);
  } else {
    svg.appendChild(
      s(
        "text",
        { x: 12, y: H - 12, class: "note", "data-testid": "map-no-atlas" },
        "Country outlines not installed (make web-assets): places only",
      ),
    );
  }

  const places = (data.places || []).filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
  const maxPlace = Math.max(1, ...places.map((p) => p.events || 0));
  const layer = s("g", { class: "places" });
  // big circles first, so that small ones stay on top and can be pointed at
  for (const p of [...places].sort((a, b) => (b.events || 0) - (a.events || 0))) {
    const [x, y] = project(p.lon, p.lat);
    const r = 3 + 11 * Math.sqrt((p.events || 0) / maxPlace);
    layer.appendChild(
      s(
        "circle",
        {
          cx: x.toFixed(1),
          cy: y.toFixed(1),
          r: r.toFixed(1),
          class: "place",
          "data-testid": "map-place",
          "data-name": p.name,
          "data-country": p.country,
          "data-events": p.events,
        },
        s("title", {}, `${p.name}${p.country ? `, ${p.country}` : ""}: ${fmt(p.events)} event${p.events === 1 ? "" : "s"}`),
      ),
    );
  }
  svg.appendChild(layer);
  return Boolean(countries);
}

export function legend() {
  return h(
    "div",
    { class: "gradient-legend", "aria-label": "map key" },
    h("span", {}, "fewer"),
    h("span", { class: "gradient countries", "aria-hidden": "true" }),
    h("span", {}, "more events (by the place's country)"),
    h("span", { class: "dot", "aria-hidden": "true" }),
    h("span", {}, "place"),
  );
}
