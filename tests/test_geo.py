"""Checks on the shipped state outlines and on the script that builds them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts import build_us_states as script

ROOT = Path(__file__).resolve().parent.parent
GEOJSON = ROOT / "static" / "us-states.geojson"


def polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon"
    return geometry["coordinates"]


def rings(feature: dict):
    for polygon in polygons(feature["geometry"]):
        yield from polygon


@pytest.fixture(scope="module")
def collection() -> dict:
    return json.loads(GEOJSON.read_text(encoding="utf-8"))


def test_file_is_small():
    assert GEOJSON.stat().st_size < 100 * 1024


def test_feature_collection_of_the_contiguous_states_and_dc(collection):
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == 49
    names = {f["properties"]["name"] for f in features}
    assert {"Massachusetts", "District of Columbia", "Washington", "Florida", "Maine"} <= names
    assert not names & {"Alaska", "Hawaii", "Puerto Rico"}
    ids = [f["properties"]["id"] for f in features]
    assert len(set(ids)) == 49
    assert not {"02", "15"} & set(ids)
    assert all(len(i) == 2 and i.isdigit() and int(i) <= 56 for i in ids)
    assert ids == sorted(ids)


def test_coordinates_lie_in_the_contiguous_states(collection):
    # No stray fragment far from the rest: every ring lies in the box of the lower 48 states.
    for feature in collection["features"]:
        name = feature["properties"]["name"]
        for ring in rings(feature):
            assert all(-125 <= lon <= -66.5 and 24 <= lat <= 49.5 for lon, lat in ring), name


def test_script_keeps_only_the_contiguous_states_and_dc():
    assert len(script.STATE_FIPS) == 49
    assert not {"02", "15", "72"} & script.STATE_FIPS
    assert {"11", "25", "53"} <= script.STATE_FIPS  # DC, Massachusetts, Washington


def test_rings_closed_and_valid(collection):
    for feature in collection["features"]:
        for ring in rings(feature):
            assert len(ring) >= 4
            assert ring[0] == ring[-1]
            assert all(len(p) == 2 for p in ring)
            # three decimals at most
            assert all(round(c, 3) == c for p in ring for c in p)


# A hand-made quantized topology: two arcs forming a 2 x 1 degree square.
#   arc 0: (0,0) (4,0) (4,4) in quantized units -> (-100,40) (-98,40) (-98,41)
#   arc 1: (4,4) (0,4) (0,0)                    -> (-98,41) (-100,41) (-100,40)
TINY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [-100, 40]},
    "objects": {
        "states": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "25", "properties": {"name": "Massachusetts"}},
            ],
        }
    },
    "arcs": [
        [[0, 0], [4, 0], [0, 4]],
        [[4, 4], [-4, 0], [0, -4]],
    ],
}


def test_decoder_on_tiny_topology():
    arcs = script.decode_arcs(TINY)
    assert arcs == [
        [[-100, 40], [-98, 40], [-98, 41]],
        [[-98, 41], [-100, 41], [-100, 40]],
    ]
    ((ring,),) = script.geometry_polygons(TINY["objects"]["states"]["geometries"][0], arcs)
    assert ring == [[-100, 40], [-98, 40], [-98, 41], [-100, 41], [-100, 40]]
    # Negative indexes (~i) take arc i backwards.
    assert script.stitch_ring(arcs, [~1, ~0]) == [
        [-100, 40],
        [-100, 41],
        [-98, 41],
        [-98, 40],
        [-100, 40],
    ]


def test_build_geometry_orients_and_drops_degenerate_rings():
    clockwise = [[-100, 40], [-100, 41], [-98, 41], [-98, 40], [-100, 40]]
    sliver = [[-90, 30], [-90, 30.001], [-90, 30]]
    geometry = script.build_geometry([[clockwise], [sliver]])
    assert geometry == {
        "type": "Polygon",
        "coordinates": [[[-100, 40], [-98, 40], [-98, 41], [-100, 41], [-100, 40]]],
    }
