// A small TopoJSON -> GeoJSON decoder: enough for world-atlas (quantised, delta-encoded
// arcs with a transform; Polygon and MultiPolygon geometries in a GeometryCollection).

/** Every arc as a list of [lon, lat] points: undo the delta encoding, then the transform. */
export function decodeArcs(topology) {
  const t = topology.transform;
  const [sx, sy] = t ? t.scale : [1, 1];
  const [tx, ty] = t ? t.translate : [0, 0];
  return topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map((p) => {
      if (t) {
        x += p[0];
        y += p[1];
      } else {
        x = p[0];
        y = p[1];
      }
      return [x * sx + tx, y * sy + ty];
    });
  });
}

/** A ring from arc indexes: a negative index ~i is arc i reversed; the first point of each
 * arc after the first repeats the last point of the one before and is dropped. */
function ring(arcs, indexes) {
  const points = [];
  indexes.forEach((index, k) => {
    const arc = index < 0 ? arcs[~index].slice().reverse() : arcs[index];
    points.push(...(k === 0 ? arc : arc.slice(1)));
  });
  return points;
}

function geometry(arcs, g) {
  switch (g.type) {
    case "Polygon":
      return { type: "Polygon", coordinates: g.arcs.map((r) => ring(arcs, r)) };
    case "MultiPolygon":
      return {
        type: "MultiPolygon",
        coordinates: g.arcs.map((poly) => poly.map((r) => ring(arcs, r))),
      };
    case "LineString":
      return { type: "LineString", coordinates: ring(arcs, g.arcs) };
    case "MultiLineString":
      return { type: "MultiLineString", coordinates: g.arcs.map((l) => ring(arcs, l)) };
    default:
      return null; // points and empty geometries draw nothing on this map
  }
}

/** The features of one object of the topology (a GeometryCollection) as GeoJSON. */
export function features(topology, objectName) {
  const object = topology.objects[objectName];
  if (!object) throw new Error(`no object ${objectName} in the topology`);
  const arcs = decodeArcs(topology);
  const members = object.type === "GeometryCollection" ? object.geometries : [object];
  return members
    .map((g) => ({
      type: "Feature",
      id: g.id,
      properties: g.properties || {},
      geometry: geometry(arcs, g),
    }))
    .filter((f) => f.geometry);
}
