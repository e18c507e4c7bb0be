"""AppTest runs of the site networks: the Partner networks page (comparison with the role lens, every
site's picture, every organization), the network section of the site profile with its plain word on
few documented ties, its tables and mapping questions, the switch that adds affiliations and other
periods to the ties counted (and travels in the share link), and hostile links."""

from __future__ import annotations

import json
import re

import pyarrow as pa
import pytest

from conftest import MINIMAL_DIR, chart_protos, headings, markdown, open_app, page_links, page_text, script
from dashboard import constants as C
from dashboard.network import model as N
from dashboard.network import views as network_views

PAGE = script("networks")
IMPLEMENTATION = ["Boston", "St. Louis", "Washington, DC"]
LEARNING = ["Cleveland", "Pittsburgh", "San Antonio", "Seattle / King County"]


def plain(text: str) -> str:
    """Escaped Markdown as the reader sees it."""
    return re.sub(r"\\(.)", r"\1", text)


def spec(proto) -> dict:
    return json.loads(proto.spec)


def inline_values(proto) -> list[dict]:
    """Every inline data row of a chart's layers (the network picture carries its data inline)."""
    return [row for layer in spec(proto).get("layer", []) for row in layer.get("data", {}).get("values", [])]


def arrow_rows(proto) -> list[dict]:
    """Every row of a chart's named datasets (sent as Arrow)."""
    return [row for ds in proto.datasets for row in pa.ipc.open_stream(ds.data.data).read_all().to_pylist()]


# ---------------------------------------------------------------- Partner networks


def test_compare_tab_charts_every_site_and_tables_their_metrics():
    at = open_app(PAGE)
    assert at.title[0].value == "Partner networks"
    assert [t.label for t in at.tabs] == ["Compare sites", "Every network", "Organizations"]
    (proto,) = chart_protos(at)
    rows = arrow_rows(proto)
    assert {r["site_name"] for r in rows} == set(IMPLEMENTATION + LEARNING)
    assert len(spec(proto)["description"]) > 80
    table = at.dataframe[0].value
    assert list(table["site"]) == IMPLEMENTATION + LEARNING
    for column in (
        "density",
        "cross-type share",
        "most partners",
        "main bridge",
        "local government tied to",
        "civic tech group tied to",
    ):
        assert column in table.columns
    cleveland = table.set_index("site").loc["Cleveland"]
    assert cleveland["local government tied to"] == "none in the map"  # Cleveland's record names no city office
    assert cleveland["ties counted"] == "0, during CTDC (2014–2018)"
    assert cleveland["ties not counted"] == 2
    assert cleveland["most partners"] == cleveland["main bridge"] == "too few ties to rank (0)"
    assert table.set_index("site").loc["St. Louis", "most partners"] == "CivTech St. Louis (6 partners)"
    text = page_text(at)
    assert "Counting 22 ties documented during CTDC (2014–2018): density ranges from" in text
    assert "Few ties are documented for 6 of them" in text
    assert "gaps in the record" in text
    assert "Counting 22 ties documented during CTDC (2014–2018) at the 7 sites compared; 24 more" in text
    assert (
        "A CTDC-era tie between a civic tech group and a data intermediary: 3 of 3 implementation sites, 0 of 4 learning" in text
    )
    assert at.toggle(key="ties").value is False
    assert at.toggle(key="ties").label == C.TIES_SWITCH_LABEL


def test_the_ties_switch_counts_every_period_and_travels_in_the_share_link():
    at = open_app(PAGE)
    at.toggle(key="ties").set_value(True).run()
    assert "ties=all" in at.code[-1].value  # the share link
    table = at.dataframe[0].value.set_index("site")
    assert table.loc["Pittsburgh", "ties counted"] == "5, every period"
    assert table.loc["Pittsburgh", "ties not counted"] == 0
    assert table.loc["Pittsburgh", "most partners"] == "Western Pennsylvania Regional Data Center (WPRDC) (4 partners)"
    assert "Counting 46 documented ties of every period at the 7 sites compared." in page_text(at)
    shared = open_app(PAGE, {"ties": "ALL"})  # the link, in any case, opens the same view
    assert shared.toggle(key="ties").value is True
    assert shared.dataframe[0].value.equals(at.dataframe[0].value)
    shared.toggle(key="ties").set_value(False).run()
    assert "ties=" not in shared.code[-1].value  # the default is left out of the link
    assert shared.dataframe[0].value.set_index("site").loc["Pittsburgh", "ties counted"] == "0, during CTDC (2014–2018)"


def test_the_lens_groups_sites_by_role_and_marks_role_averages():
    at = open_app(PAGE, {"lens": "TRUE"})
    assert at.toggle(key="lens").value is True
    (proto,) = chart_protos(at)
    chart = spec(proto)
    assert chart["title"]["subtitle"] == ["Grouped by role; tick: the role's average"]
    assert any(layer["mark"]["type"] == "tick" for layer in chart["layer"])
    order = chart["layer"][0]["encoding"]["y"]["sort"]
    assert [label.split("\n")[-1] for label in order] == ["implementation"] * 3 + ["learning"] * 4
    assert "lens=true" in at.code[-1].value  # the share link carries the lens
    at.toggle(key="lens").set_value(False).run()
    assert not any(layer["mark"]["type"] == "tick" for layer in spec(chart_protos(at)[0])["layer"])
    assert at.code[-1].value == "?"  # and drops it when it is off: nothing left to share


def test_role_filter_keeps_learning_sites_only():
    at = open_app(PAGE, {"role": "learning", "networks_tab": "every network"})
    assert [h for h in headings(at) if h in IMPLEMENTATION + LEARNING] == LEARNING
    pictures = chart_protos(at)
    assert len(pictures) == 4
    for proto in pictures:
        names = {row["name"] for row in inline_values(proto) if "name" in row}
        assert names
        assert len(spec(proto)["description"]) > 60
    links = page_links(at)
    assert links["Cleveland: profile, tables and mapping questions"].endswith("site=Cleveland")


def test_every_network_says_when_few_ties_are_documented():
    at = open_app(PAGE, {"networks_tab": "Every network", "sites": ["St. Louis", "Cleveland"]})
    notes = [plain(info.value) for info in at.info]
    assert len(notes) == 1
    assert notes[0].startswith("Few ties are documented for Cleveland: 0 CTDC-era ties among 6 organizations")
    assert "not that the organizations did not work together" in notes[0]
    text = plain(markdown(at))
    assert "Lines show the CTDC-era ties described in the sources" in text  # St. Louis: said quietly, under its picture
    assert "Too few CTDC-era ties to name hubs or bridges: 0." in text
    assert "Most ties, counting 9 ties documented" in text
    every = open_app(PAGE, {"networks_tab": "Every network", "sites": ["Cleveland"], "ties": "all"})
    (note,) = [plain(info.value) for info in every.info]
    assert note.startswith("Few ties are documented for Cleveland: 2 documented ties among 8 organizations")
    assert "Too few documented ties to name hubs or bridges: 2." in plain(markdown(every))


def test_organizations_tab_lists_hubs_and_bridges_of_every_site(catalog):
    at = open_app(PAGE, {"networks_tab": "Organizations"})
    table = at.dataframe[0].value
    assert list(table.columns[:3]) == ["site", "organization", "type"]
    assert list(table["betweenness"]) == sorted(table["betweenness"], reverse=True)
    expected = sum(len(N.site_ecosystem(catalog, s).organizations) for s in catalog.sites["id"])
    assert len(table) == expected
    assert table.iloc[0]["organization"] == "CivTech St. Louis"  # counting the ties documented during CTDC
    said = table.groupby("site")["ties counted at the site"].unique().map(list).to_dict()
    assert said["Boston"] == ["5, during CTDC (2014–2018)"]
    assert said["Cleveland"] == ["0, during CTDC (2014–2018): too few to rank hubs and bridges"]
    assert "Counting 22 ties documented during CTDC (2014–2018)" in page_text(at)
    every = open_app(PAGE, {"networks_tab": "Organizations", "ties": "all"}).dataframe[0].value
    assert every.iloc[0]["organization"] == "Metropolitan Area Planning Council (MAPC)"
    # On a phone the table gives way to a list of the same rows, which wraps (tests/browser/test_network_phone.py).
    (listed,) = [m.value for m in at.markdown if m.value.startswith("- **")]
    lines = listed.splitlines()
    assert len(lines) == len(table)
    assert plain(lines[0]) == "- **CivTech St. Louis** (St. Louis, other): 6 partners, betweenness 0.83, 5 types connected"


def test_a_tap_on_a_mark_or_a_line_shows_its_details_under_the_picture():
    at = open_app(PAGE, {"networks_tab": "Every network", "sites": ["Washington, DC"]})
    (proto,) = chart_protos(at)
    assert list(proto.selection_mode) == ["organization", "tie"]
    assert any(c.value.startswith("Tap or click a mark or a line") for c in at.caption)
    # What the browser sends when a mark is tapped (tests/browser/test_network_phone.py taps one for real).
    at.session_state["picture-network-washington-dc"] = {"selection": {"organization": [{"key": "org:code-for-dc"}], "tie": []}}
    at.run()
    (panel,) = [m.value for m in at.markdown if m.value.startswith("**Code for DC")]
    assert "4 partners" in panel
    assert "**Sources:** [" in panel
    assert not any(c.value.startswith("Tap or click a mark or a line") for c in at.caption)
    tie = {"organization": [], "tie": [{"key": "tie:code-for-dc|neighborhoodinfo-dc"}]}
    at.session_state["picture-network-washington-dc"] = {"selection": tie}
    at.run()
    (panel,) = [m.value for m in at.markdown if m.value.startswith("**Code for DC")]
    assert "partnered NeighborhoodInfo DC" in plain(panel)
    assert "during CTDC (2014–2018)" in plain(panel)


@pytest.mark.parametrize("tab", ["Compare sites", "Every network", "Organizations"])
def test_every_tab_runs_on_another_programs_data(monkeypatch, tab):
    # The small fictional program has a site without organizations: an empty column of names once
    # stopped the page with an AttributeError.
    monkeypatch.setenv("CTDC_DATA_DIR", str(MINIMAL_DIR))
    at = open_app(PAGE, {"networks_tab": tab})  # open_app fails on any exception
    assert at.title[-1].value == "Partner networks"
    shown = {"Compare sites": len(chart_protos(at)) == 1, "Every network": len(chart_protos(at)) == 2}
    assert shown.get(tab, len(at.dataframe) == 2)  # the organizations and every tie counted


def test_no_sites_in_view():
    at = open_app(PAGE, {"sites": ["Boston"], "role": "learning"})
    assert not chart_protos(at)
    assert any("No sites match" in i.value for i in at.info)


@pytest.mark.parametrize(
    "params, pictures",
    [
        (
            {"networks_tab": "<script>alert(1)</script>", "lens": "<img src=x onerror=alert(1)>", "ties": "<b>all</b>"},
            1,
        ),  # the comparison
        ({"networks_tab": ["Organizations", "x" * 10_000], "lens": ["true", "false"]}, 1),
        ({"tab": "Every network", "sites": ["<b>x</b>"]}, 7),  # every site's network: the bad site is ignored
    ],
)
def test_hostile_links_render(params, pictures):
    at = open_app(PAGE, params)
    assert len(chart_protos(at)) == pictures
    assert "<script>" not in markdown(at)
    assert "<img" not in markdown(at)


# ---------------------------------------------------------------- the site profile's network


def open_site(site: str, **extra):
    return open_app(script("site"), {"site": site, **extra})


def test_site_profile_draws_the_network_with_sources_on_hover():
    at = open_site("St. Louis")
    assert "How they were connected" in headings(at)
    (proto,) = chart_protos(at)
    chart = spec(proto)
    assert chart["title"]["text"] == ["St. Louis"]
    assert "Network picture of St. Louis" in chart["description"]
    rows = inline_values(proto)
    assert {r["name"] for r in rows if "name" in r} >= {"Rise Community Development (Rise)", "OpenDataSTL (later OpenSTL)"}
    ties = [r for r in rows if "tie" in r]
    assert ties
    assert all(r["sources"] for r in ties)  # every drawn tie names its sources in the tooltip
    tooltips = [t["title"] for layer in chart["layer"] for t in layer["encoding"].get("tooltip", [])]
    assert "Sources" in tooltips
    text = page_text(at)
    assert "civic tech group: orange triangle" in text
    assert "Most ties, counting 9 ties documented during CTDC (2014–2018): CivTech St. Louis (6 partners)" in text
    assert "Not counted: 2 standing affiliations" in text
    assert "Compare every site's network" in page_links(at)


def test_site_profile_says_plainly_when_few_ties_are_documented():
    at = open_site("cleveland")
    (note,) = [plain(info.value) for info in at.info]
    assert note.startswith("Few ties are documented for Cleveland")
    assert "6 organizations have no CTDC-era tie" in note
    assert "Too few CTDC-era ties to name hubs or bridges: 0." in page_text(at)


def test_site_profile_ties_switch_binds_the_network_to_the_share_link():
    at = open_site("Pittsburgh")
    assert at.toggle(key="ties").value is False
    assert "Most ties" not in page_text(at)
    at.toggle(key="ties").set_value(True).run()
    assert "ties=all" in at.code[-1].value
    assert "site=Pittsburgh" in at.code[-1].value
    text = page_text(at)
    assert "Counting every documented tie, whatever its period: 5 standing affiliations." in text
    assert "Most ties, counting 5 documented ties of every period: Western Pennsylvania Regional Data Center (WPRDC)" in text
    shared = open_site("Pittsburgh", ties="all")
    assert shared.toggle(key="ties").value is True
    assert "Most ties, counting 5 documented ties" in page_text(shared)


def test_site_profile_network_tables_and_questions_open_on_request(catalog):
    at = open_site("Boston")
    assert not at.dataframe
    labels = [e.label for e in at.expander]
    assert "Boston: every organization and tie as a table, counting 5 ties documented during CTDC (2014–2018)" in labels
    at.session_state["data-network-boston"] = True
    at.session_state["site-prompts"] = True
    at.run()
    organizations, ties = (frame.value for frame in at.dataframe)
    network = network_views.site_network(catalog, "boston")
    assert list(organizations["organization"]) == list(network.view.organizations["organization"])
    recorded = catalog.relationships[catalog.relationships["site"] == "boston"]
    assert len(ties) == (recorded["period"] == "ctdc").sum()
    assert set(ties["when"]) == {"during CTDC (2014–2018)"}
    assert ties["sources"].str.len().min() > 10  # every tie with its sources' titles
    labels = [b.proto.label for b in at.get("download_button")]
    assert {
        "Download network-boston-organizations (CSV)",
        "Download network-boston-ties (CSV)",
        "Download mapping-questions-boston (CSV)",
    } <= set(labels)
    text = markdown(at)
    assert "Is local government tied to a civic tech group?" in text.replace("\\", "")
    assert ":orange-badge[gap]" in text
    assert "basis: editorial" in text.replace("\\", "")
    assert "](site?site=Washington%2C+DC)" in text  # a linked product opens its site's profile


def test_site_network_view_is_built_once_per_site(catalog):
    first = network_views.site_network(catalog, "pittsburgh")
    second = network_views.site_network(catalog, "pittsburgh")
    assert first.view.spec == second.view.spec
    assert first.view.few_ties
    recorded = catalog.relationships[catalog.relationships["site"] == "pittsburgh"]
    assert first.summary.iloc[0]["ties"] == (recorded["period"] == "ctdc").sum() == 0
    every = network_views.site_network(catalog, "pittsburgh", C.TIES_ALL)
    assert every.summary.iloc[0]["ties"] == len(recorded)
    assert every.view.spec != first.view.spec
