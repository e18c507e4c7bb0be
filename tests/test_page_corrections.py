"""The "Suggest a correction" links beyond the site profiles and the Library: the Map, Themes, Partner networks and
Ecosystem metrics pages offer a link for each record they show (with the repository's address set), the
link names the record's file and id, and a tie's link quotes its current values and sources."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from conftest import markdown, open_app, script
from dashboard import constants as C
from dashboard.data import cite
from dashboard.views import corrections

REPOSITORY = "https://github.com/example-owner/example-repo"
LINK = re.compile(r"\[Suggest a correction\]\(([^)\s]+)\)")


@pytest.fixture
def repository(monkeypatch):
    """The repository's address, as a server would set it."""
    monkeypatch.setenv(C.REPOSITORY_URL_ENV, REPOSITORY)
    return REPOSITORY


def prefill(url: str) -> dict[str, str]:
    """The title and body a correction link prefills."""
    assert url.startswith(f"{REPOSITORY}/issues/new?")
    return {key: values[0] for key, values in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}


def titles(links: list[str]) -> list[str]:
    """The issue title each link prefills: "Correction: <file> <record id>"."""
    return [prefill(url)["title"] for url in links]


def test_the_map_offers_a_correction_for_each_site(repository):
    at = open_app(script("map"))
    links = LINK.findall(markdown(at))
    assert len(links) == 7
    assert "Correction: sites.yaml boston" in titles(links)
    body = prefill(links[titles(links).index("Correction: sites.yaml boston")])["body"]
    assert "File: data/sites.yaml\nRecord id: boston\n" in body
    assert "- grant_usd: 200000" in body


def test_the_map_offers_no_correction_without_a_repository(monkeypatch):
    monkeypatch.delenv(C.REPOSITORY_URL_ENV, raising=False)
    assert "Suggest a correction" not in markdown(open_app(script("map")))


def test_one_theme_offers_a_correction_for_each_product_and_lesson(repository):
    at = open_app(script("themes"), {"tab": "One theme", "theme": "employment"})
    found = titles(LINK.findall(markdown(at)))
    assert "Correction: products.yaml youth-jobs-platform" in found
    assert "Correction: lessons.yaml boston-paid-developer" in found


def test_lessons_by_section_offer_a_correction_for_each_lesson(repository):
    at = open_app(script("themes"), {"tab": "Lessons by section", "section": "Resourcing collaboratives"})
    assert "Correction: lessons.yaml boston-paid-developer" in titles(LINK.findall(markdown(at)))


def test_a_search_result_offers_a_correction_for_its_record(repository):
    at = open_app(script("themes"), {"q": "ecosystem mapping guide"})
    assert "Correction: resources.yaml ecosystem-mapping-guide" in titles(LINK.findall(markdown(at)))


def test_partner_networks_offer_a_correction_for_each_organization_and_tie(repository):
    at = open_app(script("networks"), {"networks_tab": "Organizations"})
    organizations, ties = (table.value for table in at.dataframe)
    assert "id" not in organizations.columns
    mapc = organizations.set_index("organization").loc["Metropolitan Area Planning Council (MAPC)"]
    assert prefill(mapc["correction"])["title"] == "Correction: organizations.yaml mapc"
    assert len(ties) == 22  # every tie counted during CTDC, as the comparison says
    assert ties["correction"].str.startswith(f"{REPOSITORY}/issues/new?").all()
    funded = ties[(ties["source"] == "BNY Mellon") & (ties["kind"] == "funded")].iloc[0]
    assert prefill(funded["correction"])["title"] == "Correction: relationships.yaml bny-mellon-funded-mapc"


def test_every_tie_with_affiliations_links_a_national_partner_too(repository):
    at = open_app(script("networks"), {"networks_tab": "Organizations", "ties": "all"})
    organizations, ties = (table.value for table in at.dataframe)
    assert len(ties) == 46
    nnip = organizations[organizations["type"] == "national partner"].iloc[0]
    assert prefill(nnip["correction"])["title"].startswith("Correction: national_partners.yaml ")


def test_ecosystem_metrics_offer_a_correction_for_each_value(repository):
    at = open_app(script("metrics"), {"metrics_tab": "Names"})
    at.session_state["data-names-detail"] = True
    at.run()
    detail = at.dataframe[-1].value
    boston = detail[(detail["site"] == "Boston") & (detail["metric"] == detail["metric"].iloc[0])].iloc[0]
    assert prefill(boston["correction"])["title"].startswith("Correction: metrics.yaml boston--")
    assert detail["correction"].str.startswith(f"{REPOSITORY}/issues/new?").all()


def test_census_figures_link_to_census_yaml(repository):
    at = open_app(script("metrics"), {"metrics_tab": "Census context"})
    at.session_state["data-census-population"] = True
    at.run()
    (table,) = (t.value for t in at.dataframe)
    boston = table.set_index("site").loc["Boston"]
    assert prefill(boston["correction"])["title"] == "Correction: census.yaml boston--population--acs2023"


def test_timeline_events_link_to_their_product_or_metric_record(repository):
    at = open_app(script("metrics"), {"metrics_tab": "Timeline"})
    at.session_state["data-timeline"] = True
    at.run()
    (table,) = (t.value for t in at.dataframe)
    found = titles(list(table["correction"]))
    assert "Correction: products.yaml youth-jobs-platform" in found
    assert "Correction: metrics.yaml boston--nnip_join_year" in found
    assert len(found) == len(table)


def test_the_link_of_a_tie_names_its_file_id_values_and_sources(catalog):
    tie = catalog.relationships.set_index("id", drop=False).loc["boston-foundation-member-of-nnip"].to_dict()
    fields = prefill(cite.correction_url(REPOSITORY, "relationships.yaml", tie))
    assert fields["title"] == "Correction: relationships.yaml boston-foundation-member-of-nnip"
    body = fields["body"]
    assert body.startswith("File: data/relationships.yaml\nRecord id: boston-foundation-member-of-nnip\n")
    for line in ("- source: boston-foundation", "- target: nnip", "- kind: member of", "- period: before"):
        assert line in body.splitlines()
    assert "- sources: eco-125, eco-126" in body.splitlines()


def test_the_ties_table_links_each_tie_only_with_a_repository(catalog):
    boston = corrections.ties_table(catalog, ["boston"], C.TIES_ALL, REPOSITORY)
    ids = [prefill(url)["title"].split()[-1] for url in boston["correction"]]
    assert ids == list(catalog.relationships.loc[catalog.relationships["site"] == "boston", "id"])
    assert "correction" not in corrections.ties_table(catalog, ["boston"], C.TIES_ALL, None).columns


def test_site_and_metric_search_results_offer_a_correction_for_their_records(repository):
    at = open_app(script("themes"), {"q": "open data policy"})
    assert "Correction: metric_definitions.yaml open_data_policy" in titles(LINK.findall(markdown(at)))
    at = open_app(script("themes"), {"q": "Pittsburgh"})
    assert "Correction: sites.yaml pittsburgh" in titles(LINK.findall(markdown(at)))
