"""The network picture for thumbs: marks a fingertip across with the hub clearly the largest, names at
12 px in whole words and clear of every mark and other name (worked out at a phone's size), kinds written
only where they overlap nothing, the selection a tap makes and the details it shows under the picture."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dashboard import constants as C
from dashboard.charts.labels import overlaps
from dashboard.data.catalog import Catalog
from dashboard.network import details as ND
from dashboard.network import marks as NM
from dashboard.network import model as N
from dashboard.network import picture as NC
from dashboard.network.model import Ecosystem

FINGERTIP_PX = 24


def make(orgs: list[tuple[str, str]], ties: list[tuple[str, str, str]]) -> Ecosystem:
    """An uploaded ecosystem from (name, type) pairs and (source, target, kind) triples; ids are the names."""
    organizations = pd.DataFrame(
        [{"id": n, "name": n, "type": t, "url": "", "notes": "", "sources": ()} for n, t in orgs], columns=N.ORGANIZATION_COLUMNS
    )
    tie_rows = [{"source": a, "target": b, "kind": k, "note": "", "sources": ()} for a, b, k in ties]
    return Ecosystem("Test", organizations, pd.DataFrame(tie_rows, columns=N.TIE_COLUMNS), "upload")


def every_site(catalog: Catalog):
    """Each site's ecosystem under each choice of ties counted, with its metrics."""
    for site_id in catalog.sites["id"]:
        for choice in C.TIE_CHOICES:
            eco = N.site_ecosystem(catalog, site_id, choice)
            yield f"{site_id}/{choice}", eco, N.network_metrics(eco)


def test_mark_sizes_grow_with_partners_and_the_hub_stands_out():
    assert NM.mark_px(0, 6) == NM.MIN_MARK_PX
    assert NM.mark_px(6, 6) == NM.HUB_MARK_PX
    assert NM.mark_px(5, 6) < NM.OTHERS_MAX_PX
    assert NM.mark_px(3, 6) > NM.mark_px(2, 6)
    assert NM.mark_px(0, 0) == NM.MIN_MARK_PX  # a network without ties
    # A triangle is 0.87 of its width tall: the smallest still a fingertip across both ways.
    assert NM.MIN_MARK_PX * 0.866 >= FINGERTIP_PX
    assert NM.HUB_MARK_PX - NM.OTHERS_MAX_PX >= 8  # a difference anyone sees


def test_every_site_draws_fingertip_marks_and_the_hub_largest(catalog: Catalog):
    for name, eco, metrics in every_site(catalog):
        nodes, _ = NC.chart_data(eco, metrics)
        sizes = {n["name"]: n["mark_px"] for n in nodes}
        assert min(sizes.values()) >= NM.MIN_MARK_PX, name
        assert all(n["size"] == n["mark_px"] ** 2 for n in nodes)
        if metrics.organizations["partners"].max() > 0:
            top = metrics.organizations["partners"].max()
            hubs = set(metrics.organizations.loc[metrics.organizations["partners"] == top, "name"])
            assert {n for n, px in sizes.items() if px == NM.HUB_MARK_PX} == hubs, name
            others = [px for n, px in sizes.items() if n not in hubs]
            assert not others or max(others) <= NM.HUB_MARK_PX - 8, name


@pytest.mark.parametrize(
    "name, lines",
    [
        ("NeighborhoodInfo DC (Urban Institute, Urban–Greater DC)", ["NeighborhoodInfo", "DC"]),
        ("CivTech St. Louis", ["CivTech", "St.\u00a0Louis"]),
        ("Georgetown University Data Lab", ["Georgetown", "University Data…"]),
        ("Metropolitan Area Planning Council (MAPC)", ["MAPC"]),
        ("Supercalifragilisticexpialidocious Partners of the Region", ["Supercalifragilisticexpialidocious…"]),
    ],
)
def test_names_break_only_between_words(name, lines):
    assert NM.label_lines(name) == lines


def test_every_drawn_name_is_whole_words_of_the_organization(catalog: Catalog):
    for name, eco, metrics in every_site(catalog):
        for node in NC.chart_data(eco, metrics)[0]:
            if not node["label"]:
                continue
            lines = node["label"].split("\n")
            assert len(lines) <= NM.MAX_LINES
            words = re.split(r"[\s\u00a0]+", NM.short_label(node["name"]).replace("…", ""))
            for word in re.split(r"[\s\u00a0]+", " ".join(lines).replace("…", "")):
                assert word in words, (name, node["label"])


def test_names_and_marks_do_not_overlap_on_a_phone(catalog: Catalog):
    named = 0
    for name, eco, metrics in every_site(catalog):
        nodes, _ = NC.chart_data(eco, metrics)
        boxes = NM.place_names([dict(n, label=n["label"]) for n in nodes])
        marks, names = boxes[: len(nodes)], boxes[len(nodes) :]
        for i, a in enumerate(names):
            assert min(a) >= 0, name
            assert a[2] <= NM.PHONE_PLOT[0], name
            assert a[3] <= NM.PHONE_PLOT[1], name
            for b in names[i + 1 :]:
                assert not overlaps(a, b), (name, a, b)
        named += len(names)
        assert len(marks) == len(nodes)
    assert named > 40  # most organizations are named


def test_picture_text_is_twelve_pixels_or_more_and_taps_select(catalog: Catalog):
    eco = N.site_ecosystem(catalog, "st-louis")
    spec = NC.network_chart(eco, N.network_metrics(eco)).to_dict()
    texts = [layer["mark"] for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert len(texts) == 2  # the names and the kinds
    assert all(mark["fontSize"] >= 12 for mark in texts)
    assert {p["name"] for p in spec["params"]} == {NC.PICK_ORG, NC.PICK_TIE}
    assert all(p["select"] == {"type": "point", "fields": ["key"], "on": "click", "clear": "dblclick"} for p in spec["params"])


def test_kinds_are_written_only_where_they_overlap_nothing(catalog: Catalog):
    seen_hidden = False
    for name, eco, metrics in every_site(catalog):
        nodes, edges = NC.chart_data(eco, metrics)
        taken = NM.place_names([dict(n) for n in nodes])
        shown = [e for e in edges if e["labelled"]]
        boxes = [NM.anchored_box(*NM.to_px(e["mx"], e["my"]), len(e["kind"]) * NM.CHAR_PX, NM.LINE_PX) for e in shown]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :] + taken:
                assert not overlaps(a, b), (name, a, b)
        seen_hidden |= len(shown) < len(edges)
    assert seen_hidden  # a crowded centre leaves some kinds to the tooltips, the details and the table


def test_a_tap_shows_the_organizations_or_the_ties_details_with_linked_sources(catalog: Catalog):
    eco = N.site_ecosystem(catalog, "washington-dc")
    metrics = N.network_metrics(eco)
    urls = dict(zip(catalog.sources["id"], catalog.sources["url"]))
    details = ND.network_details(eco, metrics, NC.MAX_DRAWN, urls)
    nodes, edges = NC.chart_data(eco, metrics)
    assert {n["key"] for n in nodes} | {e["key"] for e in edges} == set(details)
    hub = details[ND.org_key("code-for-dc")]
    assert hub.startswith("**Code for DC \\(later Civic Tech DC\\)** (civic tech group)")
    assert "4 partners" in hub
    assert re.search(r"\*\*Sources:\*\* \[[^\]]+\]\(https://", hub)
    tie = details[ND.pair_key("neighborhoodinfo-dc", "code-for-dc")]
    assert "partnered" in tie
    assert "during CTDC \\(2014–2018\\)" in tie
    assert "Dated by:" in tie
    assert "](https://" in tie
    event = {"selection": {NC.PICK_ORG: [], NC.PICK_TIE: [{"key": ND.pair_key("code-for-dc", "neighborhoodinfo-dc")}]}}
    assert ND.picked_details(event, details) == tie
    assert ND.picked_details({"selection": {NC.PICK_ORG: [{"key": "org:nobody"}]}}, details) is None
    assert ND.picked_details(None, details) is None


def test_details_are_kept_only_for_what_the_picture_draws():
    """A map of thousands of organizations keeps details for the two dozen drawn and the lines among them."""
    orgs = [(f"Org {i:02d}", "other") for i in range(60)]
    ties = [(f"Org {i:02d}", f"Org {j:02d}", "partnered") for i in range(60) for j in range(i + 1, 60) if (i * j) % 7 == 1]
    eco = make(orgs, ties)
    metrics = N.network_metrics(eco)
    details = ND.network_details(eco, metrics, NC.MAX_DRAWN)
    nodes, edges = NC.chart_data(eco, metrics)
    assert len(nodes) == NC.MAX_DRAWN < len(eco.organizations)
    assert set(details) == {n["key"] for n in nodes} | {e["key"] for e in edges}


def test_an_uploads_details_never_link_its_text():
    eco = make([("a <b>", "other"), ("[x](javascript:alert(1))", "funder")], [("a <b>", "[x](javascript:alert(1))", "funded")])
    eco.organizations.loc[0, "url"] = "https://example.org"
    details = ND.network_details(eco, N.network_metrics(eco), NC.MAX_DRAWN)
    text = "\n".join(details.values())
    assert "](" not in text  # a visitor's address and names stay text
    assert "<b>" not in text
    assert "**Sources:**" not in text


def test_a_downloaded_picture_names_every_organization_whole_and_shows_the_site_beside(catalog: Catalog):
    import xml.etree.ElementTree as ET

    from dashboard.upload import downloads, example
    from dashboard.upload.result import read_map

    shown = read_map(example.example_files(), catalog, "example", example.EXAMPLE_NAME, "example")
    site = N.site_ecosystem(catalog, "st-louis")
    svg = ET.fromstring(shown.download("svg", site))
    wanted = set(shown.result.ecosystem.organizations["name"]) | set(site.organizations["name"])
    assert len(wanted) <= 2 * NC.MAX_DRAWN  # every organization is drawn, so every one is named
    # Each text of the file with its lines joined (a name of several lines is one text of several tspans).
    joined = {" ".join(" ".join(el.itertext()).replace("\u00a0", " ").split()) for el in svg.iter() if el.tag.endswith("text")}
    assert wanted <= joined, wanted - joined
    assert {example.EXAMPLE_NAME, "St. Louis"} <= joined  # both titles: the pictures side by side
    assert not any("…" in t for t in joined)
    alone = ET.fromstring(downloads.chart_image(site, N.network_metrics(site), "svg"))
    assert "Riverbend" not in " ".join(alone.itertext())


def test_tie_corrections_must_match_the_ties_row_by_row(catalog: Catalog):
    eco = N.site_ecosystem(catalog, "washington-dc")
    with pytest.raises(ValueError, match="correction links for"):
        ND.tie_details(eco, {}, eco.organizations["id"], ["x"] * (len(eco.ties) + 1))
