"""The "Suggest a correction" links beyond the site profiles and the Library: the Overview, Map, Themes, Partner
networks and Ecosystem metrics pages and the self-check offer a link for each record they show (with the repository's address set), the
link names the record's file and id, and a tie's link quotes its current values and sources."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from conftest import markdown, open_app, script
from dashboard import constants as C
from dashboard.data import cite
from dashboard.network import details as ND
from dashboard.network import views as network_views
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


def test_the_overview_offers_a_correction_for_the_program_and_each_site(repository):
    at = open_app(script("overview"))
    found = titles(LINK.findall(markdown(at)))
    assert "Correction: program.yaml ctdc" in found
    assert sum(title.startswith("Correction: sites.yaml ") for title in found) == 7
    assert "Correction: sites.yaml boston" in found
    body = prefill(LINK.findall(markdown(at))[found.index("Correction: program.yaml ctdc")])["body"]
    assert "- years: 2014–2018" in body.splitlines()


def test_the_overview_links_only_the_sites_in_view(repository):
    at = open_app(script("overview"), {"sites": ["Boston"]})
    sites = [title for title in titles(LINK.findall(markdown(at))) if title.startswith("Correction: sites.yaml ")]
    assert sites == ["Correction: sites.yaml boston"]


def test_the_overview_offers_no_correction_without_a_repository(monkeypatch):
    monkeypatch.delenv(C.REPOSITORY_URL_ENV, raising=False)
    assert "Suggest a correction" not in markdown(open_app(script("overview")))


def open_self_check(*expanders: str):
    """The Your ecosystem page's Self-check tab with the given expanders open."""
    at = open_app(script("ecosystem"), {"ecosystem_tab": "Self-check"})
    for key in expanders:
        at.session_state[key] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_self_check_links_each_sites_value_to_its_metric_record(repository):
    at = open_self_check("self-check-began", "data-self-check-key-years")
    found = titles(LINK.findall(markdown(at)))
    assert "Correction: metrics.yaml boston--nnip_join_year" in found
    assert len(found) == 6 * 7  # each of the seven sites' value for each of the six questions
    (table,) = (t.value for t in at.dataframe)
    sites = table[table["role"] != "your answers"]
    assert sites["correction"].str.startswith(f"{REPOSITORY}/issues/new?").all()
    assert (table.loc[table["role"] == "your answers", "correction"] == "").all()
    boston = sites[(sites["site"] == "Boston") & (sites["metric"] == "Year joined NNIP")].iloc[0]
    assert prefill(boston["correction"])["title"] == "Correction: metrics.yaml boston--nnip_join_year"


def test_the_self_check_offers_no_correction_without_a_repository(monkeypatch):
    monkeypatch.delenv(C.REPOSITORY_URL_ENV, raising=False)
    at = open_self_check("self-check-began", "data-self-check-key-years")
    assert "Suggest a correction" not in markdown(at)
    (table,) = (t.value for t in at.dataframe)
    assert "correction" not in table.columns


def test_a_site_profile_links_each_metric_value_outcome_and_reading(repository):
    at = open_app(script("site"), {"site": "Boston"})
    found = titles(LINK.findall(markdown(at)))
    assert "Correction: metrics.yaml boston--nnip_join_year" in found
    assert "Correction: census.yaml boston--population--acs2023" in found
    assert "Correction: outcomes.yaml boston-youth-hired-2017" in found
    assert "Correction: resources.yaml case-study-boston" in found
    body = prefill(LINK.findall(markdown(at))[found.index("Correction: outcomes.yaml boston-youth-hired-2017")])["body"]
    assert "- value: 3000" in body.splitlines()


def test_a_site_profile_offers_no_correction_without_a_repository(monkeypatch):
    monkeypatch.delenv(C.REPOSITORY_URL_ENV, raising=False)
    assert "Suggest a correction" not in markdown(open_app(script("site"), {"site": "Boston"}))


def test_the_mapping_questions_link_each_editorial_record(repository):
    at = open_app(script("ecosystem"), {"ecosystem_tab": "Map your network", "example": "true"})
    found = titles(LINK.findall(markdown(at)))
    assert "Correction: ecosystem_prompts.yaml missing-key-players" in found
    assert all(title.startswith("Correction: ecosystem_prompts.yaml ") for title in found)


def test_the_mapping_questions_offer_no_correction_without_a_repository(monkeypatch):
    monkeypatch.delenv(C.REPOSITORY_URL_ENV, raising=False)
    at = open_app(script("ecosystem"), {"ecosystem_tab": "Map your network", "example": "true"})
    assert "Why these links" in markdown(at)
    assert "Suggest a correction" not in markdown(at)


def test_a_site_profiles_mapping_questions_link_each_editorial_record(repository):
    at = open_app(script("site"), {"site": "Boston"})
    at.session_state["site-prompts"] = True
    at.run()
    found = titles(LINK.findall(markdown(at)))
    assert "Correction: ecosystem_prompts.yaml government-civic-tech" in found


def network_tables(at, stem: str):
    """The organizations and ties tables under the network picture ``stem``, opened."""
    at.session_state[f"data-{stem}"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return tuple(table.value for table in at.dataframe)[-2:]


def test_a_site_network_links_each_organization_and_tie(repository, catalog):
    organizations, ties = network_tables(open_app(script("site"), {"site": "Boston"}), "network-boston")
    assert organizations["correction"].str.startswith(f"{REPOSITORY}/issues/new?").all()
    mapc = organizations.set_index("organization").loc["Metropolitan Area Planning Council (MAPC)"]
    assert prefill(mapc["correction"])["title"] == "Correction: organizations.yaml mapc"
    expected = corrections.site_tie_records(catalog, "boston", C.TIES_CTDC)
    assert titles(list(ties["correction"])) == [f"Correction: relationships.yaml {tie['id']}" for _, tie in expected]


def test_the_ctdc_site_beside_a_map_links_its_organizations(repository):
    at = open_app(script("ecosystem"), {"ecosystem_tab": "Map your network", "example": "true", "compare": "Boston"})
    organizations, ties = network_tables(at, "network-boston")
    assert "Correction: organizations.yaml mapc" in titles(list(organizations["correction"]))
    assert titles(list(ties["correction"]))[0].startswith("Correction: relationships.yaml ")


def test_a_site_network_offers_no_correction_without_a_repository(monkeypatch):
    monkeypatch.delenv(C.REPOSITORY_URL_ENV, raising=False)
    organizations, ties = network_tables(open_app(script("site"), {"site": "Boston"}), "network-boston")
    assert "correction" not in organizations.columns
    assert "correction" not in ties.columns


def test_a_tap_on_a_sites_network_offers_a_correction_for_the_organization_and_each_tie(catalog):
    shown = network_views.site_network(catalog, "washington-dc", repository=REPOSITORY).view.details
    hub = shown[ND.org_key("code-for-dc")]
    assert titles(LINK.findall(hub)) == ["Correction: organizations.yaml code-for-dc"]
    assert LINK.search(hub.split("\n\n")[0])  # beside the organization's name
    pair = shown[ND.pair_key("neighborhoodinfo-dc", "code-for-dc")]
    lines = pair.split("\n\n", 1)[1].split("\n")
    assert [len(LINK.findall(line)) for line in lines] == [1] * len(lines)  # one for each tie between the two
    for url in LINK.findall(pair):
        assert prefill(url)["title"].startswith("Correction: relationships.yaml")
        body = prefill(url)["body"]
        assert {"code-for-dc", "neighborhoodinfo-dc"} <= set(re.findall(r"- (?:source|target): (\S+)", body))
    plain = network_views.site_network(catalog, "washington-dc").view.details
    assert set(plain) == set(shown)
    assert "Suggest a correction" not in "".join(plain.values())
