"""Ecosystem networks: metrics against small graphs worked out by hand, the CTDC site networks (by
default counting only the ties documented during CTDC), the deterministic layout, the picture, and
the mapping prompts with their editorial links."""

from __future__ import annotations

import gc
import json
import math
import re

import networkx as nx
import pandas as pd
import pytest

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.network import comparison as NX
from dashboard.network import marks as NM
from dashboard.network import model as N
from dashboard.network import periods as P
from dashboard.network import picture as NC
from dashboard.network import prompts as NP
from dashboard.network.model import Ecosystem


def make(orgs: list[tuple[str, str]], ties: list[tuple[str, str, str]], origin: N.Origin = "upload") -> Ecosystem:
    """An ecosystem from (name, type) pairs and (source, target, kind) triples; ids are the names."""
    organizations = pd.DataFrame(
        [{"id": n, "name": n, "type": t, "url": "", "notes": "", "sources": ()} for n, t in orgs], columns=N.ORGANIZATION_COLUMNS
    )
    tie_rows = [{"source": a, "target": b, "kind": k, "note": "", "sources": ()} for a, b, k in ties]
    return Ecosystem("Test", organizations, pd.DataFrame(tie_rows, columns=N.TIE_COLUMNS), origin)


def by_id(metrics: N.NetworkMetrics) -> pd.DataFrame:
    return metrics.organizations.set_index("id")


# ---------------------------------------------------------------- metrics by hand


def test_path_of_three():
    """a - b - c: b is on the only shortest path between a and c (betweenness 1 of 1 pair)."""
    eco = make(
        [("a", "local government"), ("b", "data intermediary"), ("c", "civic tech group")],
        [("a", "b", "partnered"), ("b", "c", "built")],
    )
    metrics = N.network_metrics(eco)
    orgs = by_id(metrics)
    assert orgs["partners"].to_dict() == {"b": 2, "a": 1, "c": 1}
    assert orgs["betweenness"].to_dict() == {"b": 1.0, "a": 0.0, "c": 0.0}
    assert orgs.loc["b", "types_connected"] == 2
    assert orgs.loc["a", "types_connected"] == 1
    row = metrics.summary.iloc[0]
    assert row["density"] == round(2 / 3, 3)  # 2 of the 3 possible pairs
    assert row["cross-type share"] == 1.0
    assert row["isolated"] == 0
    assert row["groups"] == 1
    assert row["local government tied to"] == "data intermediary"
    assert row["data intermediary tied to"] == "local government; civic tech group"
    assert metrics.organizations["id"].iloc[0] == "b"  # most connected first
    assert metrics.betweenness_sample is None


def test_star_with_an_isolate():
    """Hub h with leaves x, y, z and an isolated q (n = 5): h lies on the 3 leaf pairs of the 6
    pairs of other nodes, so betweenness 3/6; density 3 of 10 pairs; one organization alone."""
    eco = make(
        [("h", "data intermediary"), ("x", "funder"), ("y", "funder"), ("z", "university"), ("q", "other")],
        [("h", "x", "funded"), ("y", "h", "funded"), ("h", "z", "partnered")],
    )
    metrics = N.network_metrics(eco)
    orgs = by_id(metrics)
    assert orgs.loc["h", "betweenness"] == 0.5
    assert orgs.loc["h", "types_connected"] == 2  # funder and university
    row = metrics.summary.iloc[0]
    assert row["density"] == 0.3
    assert row["isolated"] == 1
    assert row["groups"] == 1
    assert row["funder"] == 2
    assert row["other"] == 1
    assert row["local government"] == 0
    assert row["local government tied to"] == "none in the map"
    assert row["civic tech group tied to"] == "none in the map"


def test_square_splits_betweenness_between_two_routes():
    """In the cycle a-b-c-d-a, a and c have two shortest paths (via b, via d): each middle node
    gets 1/2 of that pair, normalised by the 3 pairs of other nodes: 1/6."""
    eco = make(
        [(n, "other") for n in "abcd"],
        [("a", "b", "partnered"), ("b", "c", "partnered"), ("c", "d", "partnered"), ("d", "a", "partnered")],
    )
    metrics = N.network_metrics(eco)
    assert set(by_id(metrics)["betweenness"]) == {round(1 / 6, 3)}
    row = metrics.summary.iloc[0]
    assert row["cross-type share"] == 0.0
    assert row["density"] == round(4 / 6, 3)


def test_parallel_ties_count_once_as_a_pair():
    eco = make([("a", "funder"), ("b", "data intermediary")], [("a", "b", "funded"), ("b", "a", "partnered")])
    metrics = N.network_metrics(eco)
    orgs = by_id(metrics)
    assert orgs.loc["a", "partners"] == 1
    assert orgs.loc["a", "ties"] == 2
    row = metrics.summary.iloc[0]
    assert row["ties"] == 2
    assert row["connected pairs"] == 1
    graph = N.build_graph(eco)
    assert graph.number_of_edges() == 1
    assert not gc.is_tracked(graph.edges["a", "b"])  # nothing for the collector to walk


def test_measuring_and_asking_leave_no_graph_waiting_for_the_collector(catalog):
    """The graphs the measures and the mapping questions are computed on are emptied when done: their views refer
    back to them, and the server runs full collections rarely."""
    eco = make([("a", "funder"), ("b", "data intermediary"), ("c", "local government")], [("a", "b", "funded"), ("b", "c", "x")])
    gc.collect()
    gc.disable()
    try:
        N.network_metrics(eco)
        NP.ecosystem_prompts(eco, catalog)
        left = [g for g in gc.get_objects() if isinstance(g, nx.Graph) and g.number_of_nodes()]
    finally:
        gc.enable()
    assert left == []


def test_no_ties_gives_unknown_shares_not_zero():
    metrics = N.network_metrics(make([("a", "funder"), ("b", "other")], []))
    row = metrics.summary.iloc[0]
    assert math.isnan(row["cross-type share"])
    assert row["isolated"] == 2
    assert row["groups"] == 0
    assert metrics.sentences == ("2 organizations and 0 ties.",)


def test_two_separate_groups():
    eco = make([(n, "other") for n in "abcd"], [("a", "b", "partnered"), ("c", "d", "partnered")])
    assert N.network_metrics(eco).summary.iloc[0]["groups"] == 2


def test_large_networks_estimate_betweenness_from_a_fixed_sample():
    names = [f"o{i}" for i in range(600)]
    ties = [(names[i], names[(i * 7 + 3) % 600], "partnered") for i in range(600) if i != (i * 7 + 3) % 600]
    ties += [(names[i], names[(i + 1) % 600], "partnered") for i in range(600)]
    eco = make([(n, "other") for n in names], ties)
    first, second = N.network_metrics(eco), N.network_metrics(eco)
    assert first.betweenness_sample is not None
    assert first.betweenness_sample < 600
    assert first.organizations.equals(second.organizations)  # same sample every run
    assert any("estimated" in s for s in first.sentences)


# ---------------------------------------------------------------- CTDC sites


def test_site_network_has_its_organizations_national_partners_and_ties(catalog: Catalog):
    eco = N.site_ecosystem(catalog, "boston", C.TIES_ALL)
    orgs = eco.organizations.set_index("id")
    local = {o["id"] for o in catalog.organizations.to_dict("records") if "boston" in o["sites"]}
    assert local <= set(orgs.index)
    assert orgs.loc["nnip", "type"] == N.NATIONAL_PARTNER
    assert orgs.loc["code-for-america", "type"] == N.NATIONAL_PARTNER
    assert "living-cities" not in orgs.index  # reached only by national links (site: null)
    expected = catalog.relationships[catalog.relationships["site"] == "boston"]
    assert len(eco.ties) == len(expected)
    assert set(eco.ties["source"]) | set(eco.ties["target"]) <= set(orgs.index)
    assert all(len(s) >= 1 for s in eco.ties["sources"])
    assert all(len(s) >= 1 for s in orgs["sources"])
    assert eco.source_titles
    assert set(eco.source_titles) >= {s for cell in eco.ties["sources"] for s in cell}
    with pytest.raises(ValueError, match="unknown site"):
        N.site_ecosystem(catalog, "atlantis")


def test_a_site_network_counts_only_ties_documented_during_ctdc_by_default(catalog: Catalog):
    recorded = catalog.relationships[catalog.relationships["site"] == "boston"]
    default = N.site_ecosystem(catalog, "boston")
    assert set(default.ties["period"]) == {"ctdc"}
    assert len(default.ties) == (recorded["period"] == "ctdc").sum() == 5
    assert "nnip" not in set(default.organizations["id"])  # reached only by membership ties
    everything = N.site_ecosystem(catalog, "boston", C.TIES_ALL)
    assert len(everything.ties) == len(recorded) == 8
    assert default.periods == everything.periods == (("ctdc", 5), ("before", 1), ("standing", 2))
    assert (default.tie_word, everything.tie_word) == ("CTDC-era tie", "documented tie")
    metrics = N.network_metrics(default)
    row = metrics.summary.iloc[0]
    assert (row["ties"], row["ties not counted"], row["which ties"]) == (5, 3, "during CTDC (2014–2018)")
    text = " ".join(metrics.sentences)
    assert "Counting only the ties documented during CTDC (2014–2018): 5. Not counted: 1 tie before CTDC, 2 standing" in text
    assert f"“{C.TIES_SWITCH_LABEL}”" in text
    assert "Most ties, counting 5 ties documented during CTDC (2014–2018): Metropolitan Area Planning Council (MAPC) (5" in text
    assert (
        "Main bridges (those on the largest share of shortest paths between other organizations), counting 5 ties documented"
        in text
    )
    assert "most shortest" not in text  # "most" does not go with a superlative
    all_metrics = N.network_metrics(everything)
    all_text = " ".join(all_metrics.sentences)
    assert "Counting every documented tie, whatever its period: 5 ties during CTDC (2014–2018), 1 tie before" in all_text
    assert "Most ties, counting 8 documented ties of every period: Metropolitan Area Planning Council (MAPC) (6" in all_text
    assert (all_metrics.summary.iloc[0]["ties not counted"], all_metrics.summary.iloc[0]["which ties"]) == (0, "every period")
    with pytest.raises(ValueError, match="unknown choice of ties"):
        N.site_ecosystem(catalog, "boston", "everything")


def test_a_site_with_too_few_ctdc_era_ties_names_no_hubs_or_bridges(catalog: Catalog):
    for site in ("cleveland", "pittsburgh", "seattle-king-county"):  # affiliations only
        text = " ".join(N.network_metrics(N.site_ecosystem(catalog, site)).sentences)
        assert "Too few CTDC-era ties to name hubs or bridges: 0. This atlas ranks a site's organizations only from 3" in text
        assert "Most ties" not in text
        assert "bridges others" not in text
        assert "Main bridges" not in text
    pittsburgh = " ".join(N.network_metrics(N.site_ecosystem(catalog, "pittsburgh", C.TIES_ALL)).sentences)
    assert "Most ties, counting 5 documented ties of every period: Western Pennsylvania Regional Data Center" in pittsburgh
    cleveland = " ".join(N.network_metrics(N.site_ecosystem(catalog, "cleveland", C.TIES_ALL)).sentences)
    assert "Too few documented ties to name hubs or bridges: 2." in cleveland
    assert "Most ties" not in cleveland
    san_antonio = " ".join(N.network_metrics(N.site_ecosystem(catalog, "san-antonio")).sentences)
    assert "Most ties, counting 3 ties documented during CTDC (2014–2018): Alamo Regional Data Alliance (ARDA)" in san_antonio
    assert [P.too_few_to_rank({"site": "x", "ties": n}) for n in (0, 2, 3)] == [True, True, False]
    assert not P.too_few_to_rank({"site": None, "ties": 0})  # an uploaded map is ranked however small
    upload = make([("a", "other"), ("b", "other"), ("c", "other")], [("a", "b", "partnered"), ("b", "c", "partnered")])
    text = " ".join(N.network_metrics(upload).sentences)
    assert "Most ties, counting 2 ties in the map: b (2 partners)" in text
    assert "Counting" not in text
    assert N.network_metrics(upload).summary.iloc[0]["which ties"] == "all (a map has no periods)"


def test_every_site_is_compared_with_its_role(catalog: Catalog):
    for choice in C.TIE_CHOICES:
        frame = NX.compare_sites(catalog, ties_counted=choice)
        assert list(frame.columns) == N.summary_columns()
        assert set(frame["site"]) == set(catalog.sites["id"])
        assert frame["role"].notna().all()
        assert list(frame["role"]) == sorted(frame["role"], key=["implementation", "learning"].index)
        for row in frame.to_dict("records"):
            recorded = catalog.relationships[catalog.relationships["site"] == row["site"]]
            ctdc = int((recorded["period"] == "ctdc").sum())
            assert row["ties"] == (ctdc if choice == C.TIES_CTDC else len(recorded))
            assert row["ties"] + row["ties not counted"] == len(recorded)
            assert row["organizations"] == sum(row[t] for t in N.NETWORK_TYPES)


def test_comparison_sentences_follow_the_table(catalog: Catalog):
    frame = NX.compare_sites(catalog)
    sentences = NX.comparison_sentences(frame)
    assert sentences[0] == (
        "Counting 22 ties documented during CTDC (2014–2018) at the 7 sites compared; 24 more, standing affiliations "
        "and ties of other periods, are not counted."
    )
    learning = frame[frame["role"] == "learning"]
    tied = int(learning["local government tied to"].str.contains("civic tech group").sum())
    line = next(s for s in sentences if s.startswith("A CTDC-era tie between a local government and a civic tech group"))
    assert f"{tied} of {len(learning)} learning sites" in line
    mean = learning["organizations"].mean()
    assert f"{mean:.1f} organizations" in sentences[1]
    assert "CTDC-era ties per organization" in sentences[1]
    every = NX.comparison_sentences(NX.compare_sites(catalog, ties_counted=C.TIES_ALL), C.TIES_ALL)
    assert every[0] == "Counting 46 documented ties of every period at the 7 sites compared."
    assert any(s.startswith("A documented tie between a local government and a civic tech group") for s in every)


def test_few_documented_ties_are_said_plainly(catalog: Catalog):
    for site in catalog.sites["id"]:
        eco = N.site_ecosystem(catalog, site)
        metrics = N.network_metrics(eco)
        row = metrics.summary.iloc[0]
        note = N.evidence_note(eco, row)
        assert note
        assert "not that the organizations did not work together" in note
        few = row["ties"] < row["organizations"] - 1 or row["isolated"] > 0
        assert note.startswith("Few ties are documented") == few, site
        assert note in metrics.sentences
    assert N.evidence_note(make([("a", "other")], []), {"organizations": 1, "ties": 0, "isolated": 1}) is None


# ---------------------------------------------------------------- layout and picture


def test_layout_by_hand_and_main_bridge_at_the_centre():
    """b bridges everyone: it sits at the centre; the four others go clockwise from the top in
    type order (local government, civic tech group, data intermediary, funder)."""
    eco = make(
        [("f", "funder"), ("b", "other"), ("g", "local government"), ("d", "data intermediary"), ("c", "civic tech group")],
        [("b", "f", "funded"), ("b", "g", "partnered"), ("b", "d", "partnered"), ("b", "c", "partnered")],
    )
    positions = NC.layout(N.network_metrics(eco)).set_index("id")
    assert positions.loc["b"].tolist() == [0.0, 0.0]
    assert positions.loc[["g", "c", "d", "f"]].values.tolist() == [[0.0, 1.0], [1.0, 0.0], [0.0, -1.0], [-1.0, 0.0]]


def test_layout_is_the_same_whatever_the_row_order(catalog: Catalog):
    eco = N.site_ecosystem(catalog, "st-louis")
    shuffled = Ecosystem(
        eco.name, eco.organizations.sample(frac=1, random_state=4), eco.ties.sample(frac=1, random_state=9), "site"
    )
    first = NC.layout(N.network_metrics(eco)).set_index("id").sort_index()
    second = NC.layout(N.network_metrics(shuffled)).set_index("id").sort_index()
    assert first.equals(second)
    assert (first.round(4) == first).all().all()
    assert ((first["x"] ** 2 + first["y"] ** 2).round(3).isin([0.0, 1.0])).all()


def test_layout_of_boston_is_pinned():
    """Fixed coordinates: a change in the layout rule must show up here (same on every machine:
    no randomness, rounded trigonometry of exact angles)."""
    eco = make(
        [
            ("hub", "data intermediary"),
            ("g1", "local government"),
            ("g2", "local government"),
            ("t", "civic tech group"),
            ("u", "university"),
            ("f", "funder"),
            ("n", N.NATIONAL_PARTNER),
        ],
        [("hub", x, "partnered") for x in ("g1", "g2", "t", "u", "f", "n")],
    )
    positions = NC.layout(N.network_metrics(eco)).set_index("id")
    assert positions.to_dict("index") == {
        "hub": {"x": 0.0, "y": 0.0},
        "g1": {"x": 0.0, "y": 1.0},
        "g2": {"x": 0.866, "y": 0.5},
        "t": {"x": 0.866, "y": -0.5},
        "u": {"x": 0.0, "y": -1.0},
        "f": {"x": -0.866, "y": -0.5},
        "n": {"x": -0.866, "y": 0.5},
    }


def test_chart_spec_colours_shapes_and_tooltips(catalog: Catalog):
    eco = N.site_ecosystem(catalog, "washington-dc")
    metrics = N.network_metrics(eco)
    spec = NC.network_chart(eco, metrics).to_dict()
    assert spec["width"] == "container"
    assert spec["description"] == NC.chart_alt_text(eco, metrics)
    marks = {layer["mark"]["type"] for layer in spec["layer"]}
    assert {"rule", "point", "text"} <= marks
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    enc = points["encoding"]
    assert enc["color"]["scale"]["domain"] == list(N.NETWORK_TYPES)
    assert enc["color"]["scale"]["range"] == [N.TYPE_STYLES[t].color for t in N.NETWORK_TYPES]
    assert enc["shape"]["scale"]["range"] == [N.TYPE_STYLES[t].shape for t in N.NETWORK_TYPES]
    assert set(enc["color"]["legend"]["values"]) == set(eco.organizations["type"])
    assert {t["field"] for t in enc["tooltip"]} >= {"name", "type", "partners", "betweenness", "sources"}
    values = points["data"]["values"]
    assert len(values) == len(eco.organizations)
    assert all(v["sources"] for v in values)
    rules = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule" and "tooltip" in layer["encoding"])
    assert {t["field"] for t in rules["encoding"]["tooltip"]} == {"tie", "note", "sources"}
    assert all(r["sources"] and r["tie"] for r in rules["data"]["values"])
    labels = [
        layer for layer in spec["layer"] if layer["mark"]["type"] == "text" and layer["encoding"]["text"]["field"] == "kind"
    ]
    assert labels
    assert {v["kind"] for v in labels[0]["data"]["values"]} <= set(eco.ties["kind"])


def test_a_network_without_ties_draws_no_empty_line_layer(catalog: Catalog):
    eco = N.site_ecosystem(catalog, "cleveland")  # no tie documented during CTDC
    assert eco.ties.empty
    marks = [layer["mark"]["type"] for layer in NC.network_chart(eco, N.network_metrics(eco)).to_dict()["layer"]]
    assert "rule" not in marks
    assert "point" in marks
    every = N.site_ecosystem(catalog, "cleveland", C.TIES_ALL)
    assert "rule" in [layer["mark"]["type"] for layer in NC.network_chart(every, N.network_metrics(every)).to_dict()["layer"]]


def test_large_network_draws_the_most_connected_only():
    names = [f"Org {i}" for i in range(5000)]
    ties = [(names[i], names[(i * 31 + 7) % 5000], "partnered") for i in range(5000) if i != (i * 31 + 7) % 5000]
    ties += [(names[0], names[i], "funded") for i in range(1, 60)]
    eco = make([(n, N.NETWORK_TYPES[i % 8]) for i, n in enumerate(names)], ties)
    metrics = N.network_metrics(eco)
    spec = NC.network_chart(eco, metrics).to_dict()  # no MaxRowsError: data are inline values
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert len(points["data"]["values"]) == NC.MAX_DRAWN
    assert "Org 0" in {v["name"] for v in points["data"]["values"]}  # the hub, with 60 partners
    note = NC.drawing_note(metrics)
    assert note
    assert f"{NC.MAX_DRAWN} organizations" in note
    assert "5,000" in note
    assert NC.drawing_note(N.network_metrics(make([("a", "other")], []))) is None


def test_legend_in_words_and_short_labels():
    text = NC.legend_text(["local government", "national partner"])
    assert "local government: blue square" in text
    assert "national partner: yellow star" in text
    assert "funder" not in text
    assert NM.short_label("Metropolitan Area Planning Council (MAPC)") == "MAPC"
    assert NM.short_label("OpenDataSTL (later OpenSTL)") == "OpenDataSTL"
    assert (
        NM.short_label("Center on Urban Poverty and Community Development, Case Western Reserve University")
        == "Center on Urban Poverty…"
    )
    assert NM.short_label("x" * 80 + " y") == "x" * 80 + "…"  # a word is never cut


def test_tables_list_every_organization_and_tie(catalog: Catalog):
    eco = N.site_ecosystem(catalog, "st-louis")
    metrics = N.network_metrics(eco)
    orgs = N.organization_table(eco, metrics)
    assert len(orgs) == len(eco.organizations)
    assert orgs["sources"].str.len().gt(0).all()
    ties = N.tie_table(eco)
    assert len(ties) == len(eco.ties)
    assert set(ties["source"]) <= set(eco.organizations["name"])
    assert set(ties["when"]) == {"during CTDC (2014–2018)"}
    assert ties["dated by"].str.len().gt(20).all()
    every = N.tie_table(N.site_ecosystem(catalog, "st-louis", C.TIES_ALL))
    assert set(every["when"]) == {"during CTDC (2014–2018)", "standing affiliation"}
    assert set(C.TIE_PERIOD_LABELS) == set(P.TIE_PERIODS)
    upload = make([("a", "other"), ("b", "funder")], [("b", "a", "funded")])
    upload_metrics = N.network_metrics(upload)
    assert "sources" not in N.organization_table(upload, upload_metrics).columns
    points = next(
        layer for layer in NC.network_chart(upload, upload_metrics).to_dict()["layer"] if layer["mark"]["type"] == "point"
    )
    assert "sources" not in {t["field"] for t in points["encoding"]["tooltip"]}


# ---------------------------------------------------------------- prompts


def prompts(eco: Ecosystem, catalog: Catalog) -> dict[str, NP.PromptResult]:
    return {p.id: p for p in NP.ecosystem_prompts(eco, catalog)}


def test_prompt_links_cover_every_check_and_resolve(catalog: Catalog):
    links = catalog.ecosystem_prompts
    assert set(links["id"]) == {c.id for c in NP.PROMPT_CHECKS}
    assert (links["basis"] == "editorial").all()
    lesson_ids, product_ids = set(catalog.lessons["id"]), set(catalog.products["id"])
    for row in links.to_dict("records"):
        assert set(row["lessons"]) <= lesson_ids
        assert set(row["products"]) <= product_ids
        assert row["lessons"] or row["products"], row["id"]
        assert row["reasoning"]
        assert row["sources"]


def test_a_tie_found_by_a_question_names_its_kinds_once_each_in_file_order(catalog: Catalog):
    eco = make(
        [("g", "local government"), ("d", "data intermediary"), ("x", "other")],
        [("g", "d", "funded"), ("x", "g", "partnered"), ("d", "g", "shared data"), ("g", "d", "funded")],
    )
    finding = prompts(eco, catalog)["government-data-intermediary"]
    assert finding.status == "in place"
    assert finding.finding == "g and d are tied (funded, shared data)."


def test_prompts_on_a_network_built_by_hand(catalog: Catalog):
    """Government g reaches community groups c1, c2 only through d: d holds every bridge; no
    government-civic tech tie; i is alone; there is no funder."""
    eco = make(
        [
            ("g", "local government"),
            ("d", "data intermediary"),
            ("t", "civic tech group"),
            ("c1", "community organization"),
            ("c2", "community organization"),
            ("i", "university"),
        ],
        [("g", "d", "partnered"), ("d", "c1", "convened"), ("d", "c2", "partnered"), ("t", "d", "partnered")],
    )
    found = prompts(eco, catalog)
    assert found["government-community-bridge"].status == "gap"
    assert found["government-community-bridge"].finding.endswith("runs through d.")
    assert found["government-civic-tech"].status == "gap"
    assert found["government-data-intermediary"].status == "in place"
    assert "(partnered)" in found["government-data-intermediary"].finding
    assert found["isolated-organizations"].status == "gap"
    assert found["isolated-organizations"].finding.endswith(": i.")
    assert found["missing-key-players"].finding == "Not in the map: any funder."
    assert found["separate-groups"].status == "in place"
    assert found["community-data-tech"].status == "in place"
    link = found["government-community-bridge"]
    assert link.basis == "editorial"
    assert link.reasoning
    assert link.sources
    expected = catalog.ecosystem_prompts.set_index("id").loc["government-community-bridge", "lessons"]
    assert [i for i, _ in link.lessons] == list(expected)
    assert all(text for _, text in link.lessons)


def test_second_route_or_direct_tie_clears_the_bridge_prompt(catalog: Catalog):
    two_routes = make(
        [("g", "local government"), ("d", "data intermediary"), ("t", "civic tech group"), ("c", "community organization")],
        [("g", "d", "partnered"), ("d", "c", "partnered"), ("g", "t", "partnered"), ("t", "c", "partnered")],
    )
    assert prompts(two_routes, catalog)["government-community-bridge"].status == "in place"
    direct = make([("g", "local government"), ("c", "community organization")], [("g", "c", "funded")])
    assert prompts(direct, catalog)["government-community-bridge"].finding == "g and c are tied directly."
    apart = make([("g", "local government"), ("c", "community organization")], [])
    found = prompts(apart, catalog)
    assert found["government-community-bridge"].status == "gap"
    assert found["separate-groups"].status == "not applicable"
    none = make([("g", "local government")], [])
    assert prompts(none, catalog)["government-community-bridge"].status == "not applicable"


def test_site_prompts_speak_of_the_ties_they_count(catalog: Catalog):
    assert (
        "no documented tie:"
        in prompts(N.site_ecosystem(catalog, "cleveland", C.TIES_ALL), catalog)["isolated-organizations"].finding
    )
    found = prompts(N.site_ecosystem(catalog, "cleveland"), catalog)
    assert "have no CTDC-era tie:" in found["isolated-organizations"].finding
    table = NP.prompt_table(found.values())
    assert list(table.columns) == ["question", "status", "finding", "lessons", "products", "link basis"]
    assert len(table) == len(NP.PROMPT_CHECKS)
    assert set(table["link basis"]) == {"editorial"}


# ---------------------------------------------------------------- hostile names

HOSTILE = [
    ("<script>alert('x')</script>", "local government"),
    ("[click](javascript:alert(1))", "civic tech group"),
    ('=HYPERLINK("http://evil.example","x")', "data intermediary"),
    ("**bold** _name_ <b>tag</b>", "community organization"),
]


def test_hostile_names_stay_inert_in_text_and_spec(catalog: Catalog):
    eco = make(
        HOSTILE,
        [
            (HOSTILE[0][0], HOSTILE[2][0], "partnered"),
            (HOSTILE[1][0], HOSTILE[2][0], "partnered"),
            (HOSTILE[3][0], HOSTILE[2][0], "partnered"),
        ],
    )
    metrics = N.network_metrics(eco)
    markdown = N.sentences_markdown(metrics.sentences)
    assert not re.search(r"(?<!\\)[<>]", markdown)
    assert "](" not in markdown
    assert "**" not in markdown
    assert r"\<script\>" in markdown
    found = NP.ecosystem_prompts(eco, catalog)
    for result in found:
        escaped = N.sentences_markdown([result.finding])
        assert not re.search(r"(?<!\\)[<>]", escaped)
        assert "](" not in escaped
    spec = json.dumps(NC.network_chart(eco, metrics).to_dict())
    assert "HYPERLINK" in spec  # kept as text for Vega to draw as text (never as markup)


# ---------------------------------------------------------------- what the pages add


def test_few_ties_is_what_the_evidence_note_says(catalog: Catalog):
    for site_id in catalog.sites["id"]:
        eco = N.site_ecosystem(catalog, site_id)
        row = N.network_metrics(eco).summary.iloc[0]
        note = N.evidence_note(eco, row)
        assert note is not None
        assert note.startswith("Few ties are documented") == N.few_ties(row)
        assert N.few_ties(row) == (row["ties"] < row["organizations"] - 1 or row["isolated"] > 0)


def test_compare_sites_keeps_the_sites_asked_for(catalog: Catalog):
    frame = NX.compare_sites(catalog, ["cleveland", "boston"])
    assert list(frame["site"]) == ["boston", "cleveland"]  # implementation sites first
    assert NX.compare_sites(catalog, []).empty
    assert list(NX.compare_sites(catalog, []).columns) == N.summary_columns()


def test_comparison_frame_and_chart(catalog: Catalog):
    summary = NX.compare_sites(catalog, ties_counted=C.TIES_ALL)
    frame = NC.comparison_frame(summary, lens=True)
    assert len(frame) == 2 * len(summary)
    assert set(frame["measure"]) == set(NC.SHARES.values())
    assert frame["site_axis"].iloc[0].endswith("\nimplementation")
    empty = summary.assign(**{"cross-type share": float("nan")})
    assert set(NC.comparison_frame(empty)["display"]) >= {NC.NO_TIES}
    chart = NC.comparison_chart(frame, lens=True).to_dict()
    assert "the role's average" in chart["title"]["subtitle"][0]
    assert "Cleveland: density 7%" in chart["description"]
