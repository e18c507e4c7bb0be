"""The map's circle placement rules out blocked distances along each direction at once: it must give exactly the
spots that trying every distance in turn gives (the rule as first written, kept here as the oracle)."""

from __future__ import annotations

import math
import random

import pytest

from dashboard.charts import labels
from dashboard.views.map_layout import MARK_GAP_PX, MAX_SHIFT_PX


def spots_one_by_one(x, y, radius, taken, width, height):
    """The free spots as first written: every distance of every direction tried against every circle."""

    def free(cx, cy):
        inside = radius <= cx <= width - radius and radius <= cy <= height - radius
        return inside and all(math.hypot(cx - ox, cy - oy) >= radius + other + MARK_GAP_PX for ox, oy, other in taken)

    if free(x, y):
        return [(x, y)]
    found = []
    for step in range(24):
        angle = math.radians(step * 15)
        for distance in range(1, MAX_SHIFT_PX + 1):
            spot = (x + distance * math.cos(angle), y - distance * math.sin(angle))
            if free(*spot):
                found.append((distance, step, spot))
                break
    return [spot for _, _, spot in sorted(found)] or [(x, y)]


def fast_spots(x, y, radius, taken, width, height):
    """The free spots as the map asks for them."""
    return labels.free_spots(x, y, radius, taken, width, height, MARK_GAP_PX, MAX_SHIFT_PX)


@pytest.mark.parametrize("seed", range(40))
def test_free_spots_are_those_of_trying_every_distance(seed):
    rng = random.Random(seed)
    width, height = 360, rng.choice([200, 260, 400])
    count = rng.choice([0, 1, 5, 30, 120])
    taken = [(rng.uniform(0, width), rng.uniform(0, height), rng.choice([12.0, 18.0])) for _ in range(count)]
    for _ in range(8):
        x, y, radius = rng.uniform(-20, width + 20), rng.uniform(-20, height + 20), rng.choice([12.0, 18.0])
        assert fast_spots(x, y, radius, taken, width, height) == spots_one_by_one(x, y, radius, taken, width, height)


def test_a_spot_where_the_circles_just_touch_is_free():
    # Blocked on its place (10 px from a circle it needs 22 px from); leftwards the first free spot is 12 px
    # away, where the two circles touch with exactly the gap between them: the fast search must not rule it out.
    other = (100.0, 50.0, 10.0)
    spots = fast_spots(90.0, 50.0, 10.0, [other], 400, 200)
    assert spots == spots_one_by_one(90.0, 50.0, 10.0, [other], 400, 200)
    leftwards = [(sx, sy) for sx, sy in spots if sx < 90.0 and abs(sy - 50.0) < 1e-9]
    assert leftwards == [(90.0 - 12 * 1.0, 50.0 - 12 * math.sin(math.pi))]
