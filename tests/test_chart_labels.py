"""Unit tests of the shared label placement (charts/labels.py) that the site map and the network
picture both use: boxes anchored at a point, overlap tests, the bounded search and free spots."""

from __future__ import annotations

import math

import pytest

from dashboard.charts import labels


@pytest.mark.parametrize(
    "align, baseline, expected",
    [
        ("left", "top", (10, 20, 40, 32)),
        ("center", "middle", (-5, 14, 25, 26)),
        ("right", "bottom", (-20, 8, 10, 20)),
    ],
)
def test_anchored_box_puts_the_anchor_where_align_and_baseline_say(align, baseline, expected):
    assert labels.anchored_box(10, 20, 30, 12, align, baseline) == expected


def test_boxes_that_only_touch_do_not_overlap():
    assert labels.overlaps((0, 0, 10, 10), (9, 9, 20, 20))
    assert not labels.overlaps((0, 0, 10, 10), (10, 0, 20, 10))  # sharing an edge is not overlapping
    assert not labels.overlaps((0, 0, 10, 10), (0, 11, 10, 20))


def test_a_box_hits_a_circle_only_when_it_reaches_inside():
    assert labels.hits_circle((0, 0, 10, 10), 15, 5, 6)  # 5 px from the box's right edge
    assert not labels.hits_circle((0, 0, 10, 10), 15, 5, 5)
    assert not labels.hits_circle((0, 0, 10, 10), 14, 14, 5)  # the corner is 5.66 px away


def test_candidates_go_right_left_above_below_then_diagonally():
    options = labels.label_candidates(100, 100, 10, 40, 16)
    assert [(anchor, base) for anchor, base, _, _ in options[:4]] == [
        ("start", "center"), ("end", "center"), ("middle", "bottom"), ("middle", "top"),
    ]  # fmt: skip
    anchor, base, offset, box = options[0]
    assert offset == [13, 0]
    assert box == (113, 92, 153, 108)
    for _, _, _, box in options:
        assert not labels.hits_circle(box, 100, 100, 10)


def test_label_plan_names_the_most_circles_and_leaves_off_what_cannot_fit():
    # two circles side by side in a 200 x 60 picture: the names must go outwards, not between them
    plan = labels.label_plan([(80, 30, 10, 40), (120, 30, 10, 40)], [(80, 30, 10), (120, 30, 10)], 200, 60, 16)
    assert [option[0] for option in plan if option] == ["end", "start"]
    assert not labels.overlaps(plan[0][3], plan[1][3])
    # a name wider than the picture is left off, the other one still placed
    plan = labels.label_plan([(50, 30, 10, 500), (150, 30, 10, 20)], [(50, 30, 10), (150, 30, 10)], 200, 60, 16)
    assert plan[0] is None
    assert plan[1] is not None


def test_fits_in_turn_keeps_the_first_come_and_counts_what_was_taken():
    taken = [(0, 0, 10, 10)]
    boxes = [(5, 5, 15, 15), (20, 0, 30, 10), (25, 5, 35, 15), (40, 0, 50, 10)]
    assert labels.fits_in_turn(boxes, taken) == [False, True, False, True]
    assert taken == [(0, 0, 10, 10)]  # the caller's list is left as it was


def test_free_spots_keep_a_free_place_and_move_a_crowded_one_to_the_nearest_room():
    assert labels.free_spots(50, 50, 10, [], 100, 100, 2, 60) == [(50, 50)]
    spots = labels.free_spots(50, 50, 10, [(50, 50, 10)], 100, 100, 2, 60)
    assert len(spots) > 1
    distances = [round(math.hypot(x - 50, y - 50), 6) for x, y in spots]
    assert distances == sorted(distances)
    assert distances[0] == 22
    assert spots[0] == pytest.approx((72, 50))  # ties go to the first of the 24 directions: to the right
    for x, y in spots:
        assert 10 <= x <= 90
        assert 10 <= y <= 90
        assert math.hypot(x - 50, y - 50) >= 22
    assert labels.free_spots(50, 50, 10, [(50, 50, 40)], 100, 100, 2, 5) == [(50, 50)]  # nowhere to go: the place
