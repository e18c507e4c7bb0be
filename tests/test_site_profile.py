"""Unit tests of the site profile builders against the shipped dataset."""

from __future__ import annotations

import dataclasses
import math
import re

import pandas as pd
import pytest

from dashboard.data import citations, schema, text, values
from dashboard.data.schema import LESSON_SECTIONS, ORGANIZATION_TYPES
from dashboard.state import links
from dashboard.views.site_profile import assembly as site_profile
from dashboard.views.site_profile import markdown as site_profile_text


@pytest.fixture(scope="module")
def stl(catalog):
    return site_profile.site_profile(catalog, "st-louis")


def _all_cited(profile: site_profile.SiteProfile) -> set[str]:
    records = [profile.site, *profile.products, *profile.relationships, *profile.resources]
    records += [o for p in profile.products for o in p["outcomes"]]
    records += [x for group in profile.partners.values() for x in group]
    records += [x for group in (*profile.lessons.values(), *profile.cross_site_lessons.values()) for x in group]
    ids = {s for record in records for s in record["sources"]}
    return ids | {s for cell in profile.metrics["sources"] for s in cell}


def test_st_louis_has_yourstlcourts_with_outcomes(stl):
    assert stl.name == "St. Louis"
    assert stl.site["role"] == "implementation"
    product = next(p for p in stl.products if p["id"] == "yourstlcourts")
    assert product["name"] == "YourSTLCourts"
    assert product["status"] == "active"
    assert product["status_as_of"] == "2018-01"
    assert "https://github.com/OpenSTL/STLCourts-client" in product["code"]
    assert product["license"] is None  # NaN from pandas is turned back into None
    lines = [site_profile_text.outcome_line(o) for o in product["outcomes"]]
    assert len(lines) >= 4
    assert any(line.startswith("**359 surveys**: In\\-person surveys") and "\\(2015\\)" in line for line in lines)
    assert any(line.startswith("**Rank 2**: ") for line in lines)


def test_outcome_without_a_value_reads_not_found():
    line = site_profile_text.outcome_line({"value": None, "unit": "users", "measure": "Users", "year": None, "note": None})
    assert line == f"**{text.escape_markdown(values.NOT_FOUND)}**: Users"


def test_a_source_without_a_date_says_which_fact_is_missing():
    row = {"number": 3, "title": "A report", "url": "https://example.org/r", "publisher": "Urban Institute", "id": "s-1"}
    for missing in (None, float("nan"), ""):
        line = citations.source_line({**row, "date": missing})
        assert "Urban Institute, date not found in sources · s\\-1" in line
    assert "Urban Institute, 2018\\-06 ·" in citations.source_line({**row, "date": "2018-06"})


def test_every_source_line_offers_a_search_of_the_archive_near_its_date():
    row = {"number": 1, "title": "A report", "url": "https://example.org/r", "publisher": "P", "id": "s-1"}
    dated = citations.source_line({**row, "date": "2018-06"})
    assert ':small[[search the archive](https://web.archive.org/web/201806/https://example.org/r "' in dated
    assert "a search, not a verified capture" in dated
    undated = citations.source_line({**row, "date": None})
    assert "(https://web.archive.org/web/*/https://example.org/r " in undated


def test_product_markdown_cites_every_outcome_and_links_only_http(catalog, stl):
    sources = site_profile_text.page_sources(catalog, stl)
    product = next(p for p in stl.products if p["id"] == "yourstlcourts")
    markdown = site_profile_text.product_markdown(product, sources)
    outcomes = markdown.split("**Reported outcomes**", 1)[1].strip().split("\n\n")[0].splitlines()
    assert len(outcomes) == len(product["outcomes"])
    assert all(":small[Sources: [\\[" in line for line in outcomes)
    assert (
        "**Code repositories:** [github\\.com/OpenSTL/STLCourts\\-client](https://github.com/OpenSTL/STLCourts-client)"
        in markdown
    )
    assert f"**License:** {text.escape_markdown(values.NOT_FOUND)}" in markdown
    assert "**Note:** The address as spelled in the St\\. Louis Public Radio report" in markdown
    hostile = {**product, "urls": ["javascript:alert(1)"], "description": "<script>x</script>", "outcomes": []}
    unsafe = site_profile_text.product_markdown(hostile, sources)
    assert "javascript" not in unsafe
    assert "<script>" not in unsafe
    assert "Reported outcomes" not in unsafe


def test_page_sections_cite_sources_numbered_on_the_page(catalog, stl):
    boston = site_profile.site_profile(catalog, "boston")
    sources = site_profile_text.page_sources(catalog, stl, boston)
    numbers = {f"[\\[{n}\\]]" for n in sources["number"]}
    sections = [
        site_profile_text.intro_markdown(stl, sources),
        site_profile_text.partners_markdown(stl, sources),
        site_profile_text.relationships_markdown(stl, sources),
        site_profile_text.lessons_markdown(stl.lessons, sources),
        site_profile_text.resources_markdown(stl, sources),
        site_profile_text.comparison_markdown(site_profile.compare_sites(stl, boston), (stl, boston), sources),
    ]
    for markdown in sections:
        cited = set(re.findall(r"\[\\\[\d+\\\]\]", markdown))
        assert cited
        assert cited <= numbers
    assert "**Data intermediary**" in sections[1]
    assert "Rise Community Development" in sections[1]
    assert sections[0].startswith(":blue-badge[Implementation site] **$200,000 grant**")
    listed = site_profile_text.sources_markdown(sources).splitlines()
    assert len(listed) == len(sources)
    assert listed[0].startswith("- \\[1\\] [")


def test_partners_grouped_by_type_in_vocabulary_order(stl):
    kinds = list(stl.partners)
    assert kinds == [k for k in ORGANIZATION_TYPES if k in kinds]
    intermediaries = [x["id"] for x in stl.partners["data intermediary"]]
    assert "rise-community-development" in intermediaries
    assert all(x["type"] == kind for kind, group in stl.partners.items() for x in group)
    assert all("st-louis" in x["sites"] for group in stl.partners.values() for x in group)


def test_lessons_grouped_in_section_order(catalog, stl):
    sections = list(stl.lessons)
    assert sections == [s for s in LESSON_SECTIONS if s in sections]
    assert len(sections) >= 2
    shown = {x["id"] for group in stl.lessons.values() for x in group}
    assert shown == set(catalog.lessons.loc[catalog.lessons["site"] == "st-louis", "id"])
    assert all(x["section_basis"] in site_profile_text.SECTION_BASIS_LABELS for group in stl.lessons.values() for x in group)
    assert all(x["site"] == schema.CROSS_SITE for group in stl.cross_site_lessons.values() for x in group)


def test_every_cited_source_resolves(catalog, stl):
    cited = _all_cited(stl)
    listed = set(stl.sources["id"])
    assert cited == listed
    assert listed <= set(catalog.sources["id"])
    product = next(p for p in stl.products if p["id"] == "yourstlcourts")
    assert set(product["sources"]) <= listed
    order = list(catalog.sources["id"])
    assert list(stl.sources["id"]) == sorted(listed, key=order.index)


def test_metrics_joined_with_definitions(catalog, stl):
    metrics = stl.metrics
    assert len(metrics) == (catalog.metrics["site"] == "st-louis").sum()
    assert {"group", "metric", "value", "unit", "vintage", "confidence", "sources"} <= set(metrics.columns)
    grant = metrics[metrics["metric"] == "CTDC grant"].iloc[0]
    assert grant["value"] == "200,000"
    assert grant["unit"] == "USD"
    unknown = metrics[metrics["confidence"] == "unconfirmed"]
    assert len(unknown) > 0
    assert set(unknown["value"]) == {values.NOT_FOUND}
    assert "0" not in set(metrics["value"])


def test_relationships_and_resources_touch_the_site(stl, catalog):
    assert any(r["kind"] == "co-initiated" and r["target"] == "opendatastl" for r in stl.relationships)
    sentence = site_profile_text.relationship_sentence(next(r for r in stl.relationships if r["kind"] == "co-initiated"))
    assert sentence.startswith(
        "Rise Community Development (Rise) started a joint effort with OpenDataSTL (later OpenSTL) — during CTDC (2014–2018). "
        "The St. Louis collaborative was initiated by"
    )
    member = next(r for r in stl.relationships if r["kind"] == "member of")
    assert site_profile_text.relationship_sentence(member).startswith("Rise Community Development (Rise) was a member of ")
    assert " — standing affiliation. " in site_profile_text.relationship_sentence(member)
    lines = site_profile_text.relationships_markdown(stl, site_profile_text.page_sources(catalog, stl)).splitlines()
    periods = ["standing" if "standing affiliation" in line else "ctdc" for line in lines]
    assert periods == sorted(periods, key=["ctdc", "standing"].index)
    assert len(set(periods)) == 2
    assert stl.resources
    assert all("st-louis" in r["sites"] for r in stl.resources)


def test_learning_site_seattle_has_partners_and_lessons(catalog):
    seattle = site_profile.site_profile(catalog, "seattle-king-county")
    assert seattle.site["role"] == "learning"
    assert "communities-count" in [x["id"] for x in seattle.partners["data intermediary"]]
    assert sum(len(g) for g in seattle.lessons.values()) >= 2
    assert "Engaging low-income residents" in seattle.lessons


def test_unknown_site_id_raises(catalog):
    with pytest.raises(KeyError):
        site_profile.site_profile(catalog, "atlantis")


@pytest.mark.parametrize(
    "raw",
    ["atlantis", "<script>alert(1)</script>", "x" * 10_000, "../../etc/passwd", "BOSTONX", "st-louis?"],
)
def test_resolve_site_falls_back_with_a_short_notice(catalog, raw):
    allowed = ["pittsburgh", "cleveland"]
    site, notice = links.resolve_site(raw, catalog.site_names(), allowed)
    assert site == "pittsburgh"
    assert notice is not None
    assert "Pittsburgh" in notice
    assert len(notice) < 200


@pytest.mark.parametrize("raw", [None, "", "   ", ["boston"], 42])
def test_resolve_site_missing_or_not_text_falls_back_quietly(catalog, raw):
    assert links.resolve_site(raw, catalog.site_names(), ["cleveland"]) == ("cleveland", None)


@pytest.mark.parametrize("raw", ["st-louis", "St. Louis", "ST-LOUIS", "st. louis", "st.+louis", "  St.  LOUIS "])
def test_resolve_site_accepts_an_id_or_a_name_in_any_case(catalog, raw):
    assert links.resolve_site(raw, catalog.site_names(), ["st-louis"]) == ("st-louis", None)
    assert links.resolve_compare(raw, catalog.site_names(), "boston") == ("st-louis", None)


def test_resolve_site_known_ids(catalog):
    assert links.resolve_site("st-louis", catalog.site_names(), ["boston", "st-louis"]) == ("st-louis", None)
    site, notice = links.resolve_site("boston", catalog.site_names(), ["cleveland"])
    assert site == "boston"
    assert "outside the current filters" in notice
    assert links.resolve_site(None, catalog.site_names(), []) == ("boston", None)  # nothing in view: first site


def test_resolve_compare(catalog):
    assert links.resolve_compare("washington-dc", catalog.site_names(), "boston") == ("washington-dc", None)
    assert links.resolve_compare("boston", catalog.site_names(), "boston") == (None, None)
    assert links.resolve_compare(None, catalog.site_names(), "boston") == (None, None)
    compare, notice = links.resolve_compare("<b>x</b>" * 3000, catalog.site_names(), "boston")
    assert compare is None
    assert len(notice) < 200


def test_site_choices(catalog):
    assert site_profile.site_choices(catalog.site_names(), ["cleveland", "pittsburgh"], "boston") == [
        "cleveland",
        "pittsburgh",
        "boston",
    ]
    assert site_profile.site_choices(catalog.site_names(), ["cleveland"], "cleveland") == ["cleveland"]
    assert site_profile.site_choices(catalog.site_names(), [], None) == list(catalog.sites["id"])


def test_page_sources_numbering_and_citations(catalog, stl):
    boston = site_profile.site_profile(catalog, "boston")
    alone = site_profile_text.page_sources(catalog, stl)
    assert list(alone["number"]) == list(range(1, len(alone) + 1))
    both = site_profile_text.page_sources(catalog, stl, boston)
    assert set(alone["id"]) < set(both["id"])
    assert site_profile.compact_source_ids(boston) <= set(both["id"])
    first, second = both.iloc[0], both.iloc[1]
    cite = site_profile_text.citer(both)([second["id"], first["id"], "no-such-source"])
    assert cite.startswith(":small[Sources: ")
    assert cite.index("[\\[1\\]]") < cite.index("[\\[2\\]]")
    assert f'({first["url"]} "Source 1: ' in cite  # each number links to its source, titled
    assert site_profile_text.citer(both)(["no-such-source"]) == ""
    line = citations.source_line(both.to_dict("records")[0])
    assert line.startswith("\\[1\\] [")
    assert first["id"].replace("-", "\\-") in line


def test_compare_sites_side_by_side_with_unique_labels_and_partner_names(catalog):
    boston, dc = site_profile.site_profile(catalog, "boston"), site_profile.site_profile(catalog, "washington-dc")
    table = site_profile.compare_sites(boston, dc)
    assert list(table.columns) == ["measure", "Boston", "Washington, DC"]
    assert table["measure"].is_unique
    assert len(table) == 5 + boston.metrics["metric_id"].nunique()
    rows = table.set_index("measure")
    assert rows.loc["Grant", "Boston"] == "$200,000"
    assert rows.loc["Role", "Washington, DC"] == "Implementation site"
    assert rows.loc["CTDC grant", "Boston"].startswith("200,000 USD (")
    assert "confirmed" in rows.loc["CTDC grant", "Boston"]
    partners = rows.loc["Partner organizations", "Boston"]
    assert "Data intermediary: " in partners
    assert "Metropolitan Area Planning Council" in partners  # names, not counts
    assert "Housing Insights (" in rows.loc["Products and activities", "Washington, DC"]
    assert (table == values.NOT_FOUND).any().any()


def test_a_repeated_metric_label_gets_its_group(catalog):
    boston = site_profile.site_profile(catalog, "boston")
    twin = boston.metrics.assign(metric_id=boston.metrics["metric_id"] + "-twin")
    doubled = dataclasses.replace(boston, metrics=pd.concat([boston.metrics, twin], ignore_index=True))
    table = site_profile.compare_sites(doubled, boston)
    assert table["measure"].is_unique
    assert len(table) == 5 + 2 * boston.metrics["metric_id"].nunique()


def test_comparison_markdown_is_one_escaped_table_with_citations(catalog):
    boston, stl = site_profile.site_profile(catalog, "boston"), site_profile.site_profile(catalog, "st-louis")
    sources = site_profile_text.page_sources(catalog, boston, stl)
    markdown = site_profile_text.comparison_markdown(site_profile.compare_sites(boston, stl), (boston, stl), sources)
    lines = markdown.splitlines()
    assert lines[0] == "| | Boston | St\\. Louis |"
    assert lines[1] == "|---|---|---|"
    assert all(line.count(" | ") == 2 for line in lines[2:] if line.startswith("| "))  # no cell breaks the table
    assert "Boston: :small[Sources: " in markdown
    assert "St\\. Louis: :small[Sources: " in markdown


def test_format_value():
    assert site_profile.format_value(None) == values.NOT_FOUND
    assert site_profile.format_value(math.nan) == values.NOT_FOUND
    assert site_profile.format_value(2018.0, "year") == "2018"
    assert site_profile.format_value(663972.0) == "663,972"
    assert site_profile.format_value(16.87) == "16.87"
    assert site_profile.format_value(0) == "0"
    assert site_profile.format_value("Silver", "text") == "Silver"


def test_links_and_status_are_safe():
    assert site_profile_text.links_markdown(["javascript:alert(1)", "https://github.com/OpenSTL/STLCourts-api"]) == (
        "[github\\.com/OpenSTL/STLCourts\\-api](https://github.com/OpenSTL/STLCourts-api)"
    )
    badge = site_profile_text.status_markdown({"status": "discontinued", "status_as_of": "2019"})
    assert badge == ":red-badge[Discontinued in 2019] :small[last reported status; no later source is implied]"
    active = site_profile_text.status_markdown({"status": "active", "status_as_of": "2018-01"})
    assert active.startswith(":green-badge[Active in 2018\\-01]")


def test_products_markdown_lists_every_product_under_its_heading(catalog, stl):
    sources = site_profile_text.page_sources(catalog, stl)
    markdown = site_profile_text.products_markdown(stl, sources)
    assert [line for line in markdown.splitlines() if line.startswith("### ")] == [
        f"### {text.escape_markdown(p['name'])}" for p in stl.products
    ]
    assert markdown.count("\n\n---\n\n") == len(stl.products) - 1
    empty = dataclasses.replace(stl, products=[])
    assert site_profile_text.products_markdown(empty, sources) == "No product or activity of this site is recorded."


def test_metrics_markdown_groups_cites_and_says_not_found(catalog, stl):
    sources = site_profile_text.page_sources(catalog, stl)
    markdown = site_profile_text.metrics_markdown(stl, sources)
    groups = [line for line in markdown.splitlines() if line.startswith("**") and line.endswith("**")]
    assert groups == [f"**{text.escape_markdown(g)}**" for g in dict.fromkeys(stl.metrics["group"])]
    items = [line for line in markdown.splitlines() if line.startswith("- ")]
    assert len(items) == len(stl.metrics)
    assert "- CTDC grant: **200,000 USD** (2015\\-2018, confirmed)" in markdown
    assert f"- Year joined NNIP: **{values.NOT_FOUND}** (unconfirmed)" in markdown
    assert "**0**" not in markdown
    cited = [line for line in items if ":small[Sources: " in line]
    assert len(cited) == sum(1 for ids in stl.metrics["sources"] if ids)
