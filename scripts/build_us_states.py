"""Build static/us-states.geojson, the offline state outlines for the map (served by Streamlit at
``/app/static/us-states.geojson`` for the browser to fetch once and cache).

Input
-----
``states-10m.json`` from the npm package ``us-atlas`` (version 3.0.1): a TopoJSON
file of US state boundaries in longitude/latitude (unprojected), derived from the
US Census Bureau's cartographic boundary files, 2017 edition. The boundary data
is a work of the US federal government and is in the public domain; the us-atlas
packaging is under the ISC license.

Output
------
A GeoJSON FeatureCollection with one feature per state of the contiguous United
States (the 48 states below Canada) and the District of Columbia: 49 features.
Alaska and Hawaii are left out, as are the territories (Puerto Rico included):
the app's sites all lie in the contiguous states, and Alaska's outline (whose
Aleutian islands cross the 180th meridian) would otherwise sit as a stray
fragment at the edge of a map fitted to the sites. Each feature has properties
``{"name": ..., "id": <two-digit state FIPS code>}``. Shared borders are
simplified once, arc by arc (Douglas-Peucker), so that neighbouring states
still meet without gaps; coordinates are rounded to 3 decimals; rings come out
closed, with at least 4 positions, exterior rings counter-clockwise and holes
clockwise (RFC 7946). Rings that collapse under simplification (tiny islands)
are dropped.

Regenerate
----------
From the repository root (the package is unpacked in a scratch directory)::

    dir="$(mktemp -d)"
    (cd "$dir" && npm pack us-atlas@3.0.1 && tar xzf us-atlas-3.0.1.tgz)
    python -m scripts.build_us_states "$dir/package/states-10m.json"

Options: ``--out PATH`` (default ``static/us-states.geojson``) and
``--tolerance DEGREES`` (default 0.03, about 3 km, which keeps the file near 70 KB: the
maps show the states as context at country scale).

Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, TypeAlias

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "static" / "us-states.geojson"
DEFAULT_TOLERANCE = 0.03  # degrees, Douglas-Peucker
DECIMALS = 3

Position: TypeAlias = list[float]  # [lon, lat]
Ring: TypeAlias = list[Position]  # closed: the first position again at the end
Polygon: TypeAlias = list[Ring]  # the exterior ring, then its holes
Json: TypeAlias = dict[str, Any]  # a parsed TopoJSON or GeoJSON object

# Two-digit FIPS codes of the contiguous states and the District of Columbia (no 02 Alaska, no 15 Hawaii).
STATE_FIPS = frozenset(
    "01 04 05 06 08 09 10 11 12 13 16 17 18 19 20 21 22 23 24 25 26 27 28 "
    "29 30 31 32 33 34 35 36 37 38 39 40 41 42 44 45 46 47 48 49 50 51 53 54 55 56".split()
)


# --------------------------------------------------------------------------- #
# TopoJSON decoding
# --------------------------------------------------------------------------- #


def decode_arcs(topology: Json) -> list[Ring]:
    """Return the topology's arcs as lists of absolute [lon, lat] positions.

    A quantized topology (one with a ``transform``) stores each arc as a first
    position followed by deltas; positions are then scaled and translated.
    Without a transform, arcs already hold absolute coordinates.
    """
    transform = topology.get("transform")
    arcs: list[Ring] = []
    if transform is None:
        for arc in topology["arcs"]:
            arcs.append([[float(p[0]), float(p[1])] for p in arc])
        return arcs
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    for arc in topology["arcs"]:
        x = y = 0
        out: Ring = []
        for p in arc:
            x += p[0]
            y += p[1]
            out.append([x * sx + tx, y * sy + ty])
        arcs.append(out)
    return arcs


def arc_positions(arcs: list[Ring], index: int) -> Ring:
    """Positions of arc ``index``; a negative index ``~i`` means arc i reversed."""
    if index < 0:
        return arcs[~index][::-1]
    return arcs[index]


def stitch_ring(arcs: list[Ring], indexes: list[int]) -> Ring:
    """Join the arcs of one ring; each arc starts where the previous one ended."""
    ring: Ring = []
    for k, index in enumerate(indexes):
        positions = arc_positions(arcs, index)
        ring.extend(positions if k == 0 else positions[1:])
    return ring


def geometry_polygons(geometry: Json, arcs: list[Ring]) -> list[Polygon]:
    """A Polygon or MultiPolygon TopoJSON geometry as a list of polygons (lists of rings)."""
    kind = geometry["type"]
    if kind == "Polygon":
        parts = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        parts = geometry["arcs"]
    else:
        raise ValueError(f"unsupported geometry type: {kind}")
    return [[stitch_ring(arcs, ring) for ring in polygon] for polygon in parts]


# --------------------------------------------------------------------------- #
# Simplification and clean-up
# --------------------------------------------------------------------------- #


def _distance_to_segment(p: Position, a: Position, b: Position) -> float:
    """Distance from ``p`` to the segment from ``a`` to ``b``."""
    ax, ay = a
    bx, by = b
    px, py = p
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def douglas_peucker(points: Ring, tolerance: float) -> Ring:
    """Simplify a polyline, keeping both end points (iterative Douglas-Peucker)."""
    n = len(points)
    if n < 3 or tolerance <= 0:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        best, best_index = -1.0, -1
        a, b = points[first], points[last]
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], a, b)
            if d > best:
                best, best_index = d, i
        if best_index != -1 and best > tolerance:
            keep[best_index] = True
            stack.append((first, best_index))
            stack.append((best_index, last))
    return [p for p, k in zip(points, keep) if k]


def signed_area(ring: Ring) -> float:
    """Shoelace area; positive for counter-clockwise rings."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        total += x1 * y2 - x2 * y1
    return total / 2.0


def clean_ring(ring: Ring, exterior: bool) -> Ring | None:
    """Drop repeated positions, close the ring, orient it; None if degenerate."""
    out: Ring = []
    for p in ring:
        if not out or p != out[-1]:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(list(out[0]))
    if len(out) < 4 or signed_area(out) == 0.0:
        return None
    if (signed_area(out) > 0) != exterior:
        out.reverse()
    return out


def round_position(p: Position, decimals: int = DECIMALS) -> Position:
    """``p`` rounded to ``decimals`` places ("+ 0.0" turns -0.0 into 0.0)."""
    return [round(p[0], decimals) + 0.0, round(p[1], decimals) + 0.0]


def prepare_arcs(arcs: list[Ring], tolerance: float, decimals: int = DECIMALS) -> list[Ring]:
    """Simplify every arc once and round it, so shared borders stay identical."""
    return [[round_position(p, decimals) for p in douglas_peucker(arc, tolerance)] for arc in arcs]


def build_geometry(polygons: list[Polygon]) -> Json | None:
    """Cleaned GeoJSON geometry from polygons; None if nothing is left."""
    kept: list[Polygon] = []
    for polygon in polygons:
        exterior = clean_ring(polygon[0], exterior=True)
        if exterior is None:
            continue  # a hole cannot outlive its exterior ring
        holes = [h for h in (clean_ring(r, exterior=False) for r in polygon[1:]) if h]
        kept.append([exterior] + holes)
    if not kept:
        return None
    if len(kept) == 1:
        return {"type": "Polygon", "coordinates": kept[0]}
    return {"type": "MultiPolygon", "coordinates": kept}


# --------------------------------------------------------------------------- #
# Assembly
# --------------------------------------------------------------------------- #


def build_feature_collection(topology: Json, tolerance: float = DEFAULT_TOLERANCE, decimals: int = DECIMALS) -> Json:
    """The GeoJSON FeatureCollection of the contiguous states and DC, sorted by FIPS code."""
    arcs = prepare_arcs(decode_arcs(topology), tolerance, decimals)
    features: list[Json] = []
    for geometry in topology["objects"]["states"]["geometries"]:
        fips = str(geometry.get("id", "")).zfill(2)
        if fips not in STATE_FIPS:
            continue
        shape = build_geometry(geometry_polygons(geometry, arcs))
        if shape is None:
            raise ValueError(f"state {fips} has no ring left after simplification")
        features.append(
            {
                "type": "Feature",
                "properties": {"name": geometry["properties"]["name"], "id": fips},
                "geometry": shape,
            }
        )
    features.sort(key=lambda f: f["properties"]["id"])
    missing = STATE_FIPS - {f["properties"]["id"] for f in features}
    if missing:
        raise ValueError(f"states missing from the input: {sorted(missing)}")
    return {"type": "FeatureCollection", "features": features}


def write_geojson(collection: Json, out: Path) -> int:
    """Write ``collection`` as compact GeoJSON to ``out``; its size in bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    out.write_text(text + "\n", encoding="utf-8")
    return out.stat().st_size


def main(argv: list[str] | None = None) -> int:
    """Build the outlines from the us-atlas file named on the command line and say what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="path to us-atlas states-10m.json")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="Douglas-Peucker tolerance in degrees")
    args = parser.parse_args(argv)
    topology = json.loads(args.source.read_text(encoding="utf-8"))
    collection = build_feature_collection(topology, args.tolerance)
    size = write_geojson(collection, args.out)
    rings = sum(
        len(poly)
        for f in collection["features"]
        for poly in ([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"])
    )
    print(f"wrote {args.out}: {len(collection['features'])} features, {rings} rings, {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
